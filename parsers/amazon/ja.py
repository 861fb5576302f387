# ruff: noqa: RUF002, RUF003  (full-width punctuation in comments is what Amazon writes)
"""Japanese, as Amazon writes it on amazon.co.jp.

Japanese has no spaces between words, and `\\b` finds no boundary between two kana
or ideographs, so no pattern here relies on one: "本日お届け予定" has a word boundary
nowhere inside it. Dates are "3月27日(金)" and "2026年3月27日", which the date grammar
reads itself (so `months` is empty), or year first in digits ("2026/03/27") in the
older templates. A weekday comes after the date, in parentheses, as one character
("(金)"); written out ("金曜日") it may stand alone. Amazon's Japanese mail mixes
full-width and ASCII punctuation (":" and "：", "(" and "（", "~", "～" and "〜"),
and every pattern accepts both.
"""

from __future__ import annotations

import re

from parsers.amazon.language import Language, rules
from parsers.model import Milestone as M

_WEEKDAYS = {
    "月曜日": 0, "月曜": 0, "月": 0, "火曜日": 1, "火曜": 1, "火": 1, "水曜日": 2, "水曜": 2,
    "水": 2, "木曜日": 3, "木曜": 3, "木": 3, "金曜日": 4, "金曜": 4, "金": 4, "土曜日": 5,
    "土曜": 5, "土": 5, "日曜日": 6, "日曜": 6, "日": 6,
}  # fmt: skip

_RELATIVE_DAYS = {"本日": 0, "今日": 0, "明日": 1, "あした": 1, "明後日": 2, "あさって": 2}

# Subjects quote an item title ("発送済み: 「…」ほか1点"), and titles hold words such as
# "ノイズキャンセリング" or "おすすめ": a subject word counts only outside the quotes.
_UNQUOTED = r"(?![^「」“”]*[」”])"

_SUBJECT_WORDS = (
    (M.CANCELLED, r"(?:ご?注文|商品)の?キャンセル|キャンセル(?:されました|いたしました"
     r"|を承りました|のお知らせ|のご確認|が完了|完了)"),
    (M.REFUNDED, r"返金"),
    (M.RETURN_RECEIVED, r"返品(?:された)?(?:商品)?を受け取りました|返品(?:商品)?の受領"),
    (M.RETURN_STARTED, r"返品"),
    (M.DELIVERY_ATTEMPTED, r"不在|お届けできませんでした|配達できませんでした"),
    (M.AVAILABLE_FOR_PICKUP, r"受け?取り?可能|受け?取りの準備ができ|受け?取り準備完了"
     r"|お受け取りいただけます|(?:ロッカー|コンビニ|カウンター|店舗)に(?:到着|届きました)"),
    (M.DELIVERED, r"配達完了|配達済み|お届け済み|お届けしました|配達しました"),
    (M.OUT_FOR_DELIVERY, r"配達中|(?:本日|今日)(?:中に)?お届け|本日配達"),
    (M.DELAYED, r"遅延|遅れ|お届け予定日?(?:が|の)変更|新しいお届け予定"),
    (M.SHIPPED, r"発送済み|発送しました|発送されました|発送のお知らせ|出荷しました"),
    (M.ORDERED, r"注文済み|注文確定|ご注文の確認|ご注文ありがとう|ご注文を承りました"),
)  # fmt: skip

_SUBJECT = rules(*((milestone, rf"(?:{words}){_UNQUOTED}") for milestone, words in _SUBJECT_WORDS))

_BODY = rules(
    (M.CANCELLED, r"(?:ご注文|商品)(?:は|が)キャンセルされました|キャンセルを承りました"
     r"|キャンセルいたしました"),
    (M.DELIVERY_ATTEMPTED, r"ご不在のため|お届けできませんでした"),
    (M.AVAILABLE_FOR_PICKUP, r"お受け取りいただけます|受け取り可能になりました"),
    # Not a bare "配達完了" or "配達中" line: those are labels of the progress bar that
    # every shipment email shows.
    (M.DELIVERED, r"配達が完了しました|お届けが完了しました"),
    (M.OUT_FOR_DELIVERY, r"本日お届け予定です|(?:お荷物|商品)は(?:現在)?配達中です"),
    (M.DELAYED, r"遅れています|遅延しています|お届け予定日が変更"),
    (M.SHIPPED, r"(?:商品|ご注文|お荷物)を(?:本日)?発送(?:しました|いたしました)"),
    (M.ORDERED, r"ご注文ありがとうございます|ご注文を承りました"),
)  # fmt: skip

# Phrases that introduce a delivery estimate, newest-information first. Each may end
# with the colon that stands between it and the date. The last ones are look-aheads:
# in "本日お届け予定" and "3月27日(金)にお届け" the date comes before the words.
_DATE_FIRST = r"(?:本日|今日|明日|明後日|\d{1,2}月\d{1,2}日(?:\s*[(（][月火水木金土日][)）])?)"
_ETA_PHRASES = (
    r"(?:新しい|変更後の)(?:お届け|配達|到着)予定日?\s*[:：]?",
    r"(?:お届け|配達|到着)予定日?(?:は|が)\s*(?=\d|本日|今日|明日)",
    r"(?:お届け|配達|到着)予定日?\s*[:：]?",
    rf"(?={_DATE_FIRST}\s*(?:中に|まで(?:に)?|に)?\s*(?:お届け|配達|到着))",
)

JAPANESE = Language(
    code="ja",
    months={},
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"(?:数量|個数)\s*[:：]?\s*(\d{1,3})"),
    # "配達写真", "配達完了の写真", "お荷物の写真"
    photo_label=re.compile(r"配達(?:完了)?(?:時)?の?写真|(?:お?荷物|置き配)の?(?:写真|画像)"),
    # "配送業者：ヤマト運輸", "運送会社: 佐川急便". A carrier named elsewhere in the text
    # still reaches the tracking-number reader, which looks for names before a number.
    carrier_label=re.compile(
        r"(?:配送業者|運送会社|配送会社)\s*[:：]?\s*(?P<name>[^\s:：、。]{2,30})"
    ),
    # "販売：Amazon.co.jp", "出品者：..."
    sold_by=re.compile(r"^\s*(?:販売(?:者|元)?|出品者)\s*[:：]", re.M),
    generic_link=re.compile(
        r"^(?:注文(?:を表示|内容|の詳細|履歴)|ご注文(?:内容|の詳細|履歴)|配送状況|荷物を追跡"
        r"|再度購入|もう一度購入|レビュー|商品レビュー|返品|詳細|表示|共有|アカウント"
        r"|お問い合わせ|カスタマーサービス)",
    ),
    # "認証キー：7K3M9Q", "受け取りコード: 482913"
    pickup_code=re.compile(
        r"(?:認証キー|受け?取りコード|ピックアップコード|暗証番号)\s*(?:は)?\s*[:：]?\s*"
        r"(?P<code>[A-Z0-9]{4,12})(?![A-Z0-9])",
        re.IGNORECASE,
    ),
    # "ワンタイムパスワード：482913": said to the driver, not a locker code.
    delivery_code=re.compile(
        r"(?:ワンタイムパスワード|配達用パスワード|受け?取り用パスワード)\s*(?:は)?\s*[:：]?\s*"
        r"(?P<code>[A-Z0-9]{4,12})(?![A-Z0-9])",
        re.IGNORECASE,
    ),
    # "受け取り場所\nAmazon Hub ロッカー - ヤマブキ（ローソン 渋谷神南一丁目店内）"
    pickup_location=(
        re.compile(r"受け?取り場所\s*[:：]?\s*(?P<place>[^\n、。]{2,80}?)(?=\s*(?:\n|$|、|。))"),
    ),
    # "受け取り期限：4月4日(土) 23:59まで"
    pickup_deadline=(r"お?受け?取り期限\s*[:：]?", r"保管期限\s*[:：]?"),
    # "ご指定の場所（玄関前）に置き配しました" -> "ご指定の場所（玄関前）"
    delivery_location=(
        re.compile(r"(?P<place>[^\n、。]{2,40}?)に(?:置き配|お預け|配達)(?:しました|いたしました)"),
    ),
    informational=re.compile(r"返金[^\n]{0,20}?(?:遅れ|遅延|保留)"),
    negative_subjects=re.compile(
        r"(?:キャンペーン|タイムセール|セール[】\]]|ポイント還元|クーポン|おすすめ|お勧め"
        r"|プライム・?ビデオ|prime ?video|配信開始|レビュー|評価をお願い|ご意見をお聞かせ"
        rf"|いかがでしたか){_UNQUOTED}",
        re.IGNORECASE,
    ),
    range_separators=("～", "〜", "~", "-", "－", "–", "—", "から"),
    numeric_dates="ymd",
)
