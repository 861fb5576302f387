"""Polish, as Amazon writes it on amazon.pl.

Polish dates are day first, and the month is inflected: a date is written in the
genitive ("piątek, 27 marca", "1 kwietnia 2026"), while headings and calendars use
the nominative ("marzec"). Both are listed, with the usual abbreviations and with the
spellings that lose their diacritics in plain-text mail ("pazdziernika"). After "w"
("dostawa w środę") a weekday takes the accusative, which differs from the nominative
for środa, sobota and niedziela only.

Polish inflects participles by gender and number too: a parcel ("przesyłka",
feminine) "została wysłana", an order ("zamówienie", neuter) "zostało wysłane", items
"zostały wysłane". The patterns match the stem and let the ending vary.
"""

from __future__ import annotations

import re

from parsers.amazon.language import CLAUSE, PLACE, Language, places, rules
from parsers.model import Milestone as M

_MONTHS = {
    # nominative
    "styczeń": 1, "styczen": 1, "luty": 2, "marzec": 3, "kwiecień": 4, "kwiecien": 4,
    "maj": 5, "czerwiec": 6, "lipiec": 7, "sierpień": 8, "sierpien": 8, "wrzesień": 9,
    "wrzesien": 9, "październik": 10, "pazdziernik": 10, "listopad": 11, "grudzień": 12,
    "grudzien": 12,
    # genitive, as in "27 marca"
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6,
    "lipca": 7, "sierpnia": 8, "września": 9, "wrzesnia": 9, "października": 10,
    "pazdziernika": 10, "listopada": 11, "grudnia": 12,
    # abbreviations ("27 mar 2026", "5 wrz"); the grammar reads an optional dot
    "sty": 1, "lut": 2, "mar": 3, "kwi": 4, "cze": 6, "lip": 7, "sie": 8, "wrz": 9,
    "paź": 10, "paz": 10, "lis": 11, "gru": 12,
}  # fmt: skip

_WEEKDAYS = {
    "poniedziałek": 0, "poniedzialek": 0, "pon": 0, "pn": 0,
    "wtorek": 1, "wt": 1, "wto": 1,
    "środa": 2, "środę": 2, "sroda": 2, "srode": 2, "śr": 2, "sr": 2, "śro": 2,
    "czwartek": 3, "czw": 3, "cz": 3,
    "piątek": 4, "piatek": 4, "pt": 4, "pią": 4, "pia": 4,
    "sobota": 5, "sobotę": 5, "sobote": 5, "sob": 5, "sb": 5,
    "niedziela": 6, "niedzielę": 6, "niedziele": 6, "niedz": 6, "nd": 6, "ndz": 6,
}  # fmt: skip

_RELATIVE_DAYS = {"dzisiaj": 0, "dziś": 0, "dzis": 0, "jutro": 1, "pojutrze": 2}

# Participle endings: -a (feminine), -e (neuter/plural), -o (impersonal "wysłano"),
# -y (masculine plural), or none ("wysłany" is covered by -y).
_END = r"[aeoy]?"
# "Paczkomat InPost", "Paczkomacie", "Paczkomatu"; Amazon's own lockers and counters;
# Orlen Paczka and Żabka points, where Amazon.pl also delivers.
_PICKUP_PLACES = (
    r"(?:paczkomac\w*|paczkomat\w*|automac\w*|automat\w* paczkow\w*|amazon locker\w*"
    r"|amazon hub|punk(?:cie|t) odbioru|orlen paczk\w*|żabc\w*|żabk\w*)"
)

_SUBJECT = rules(
    (M.CANCELLED, r"\banulow|\banulacj"),
    (M.REFUNDED, r"\bzwrot (?:pieniędzy|środków|płatności|kosztów)\b|\brefundac"
     r"|\bzwróc(?:ono|iliśmy) (?:pieniądze|środki|płatność|kwotę)"),
    (M.RETURN_RECEIVED, r"\botrzymaliśmy (?:twój |twoje )?zwr|\bzwrot (?:został )?(?:otrzymany"
     r"|przyjęty|dotarł)\b"),
    (M.RETURN_STARTED, r"^\W*zwrot\b|\b(?:twój|prośba o|etykieta|potwierdzenie) zwrot"
     r"|\bzwrot(?:u)? (?:produktu|artykułu|przedmiotu|zamówienia)\b"),
    (M.DELIVERY_ATTEMPTED, r"\bprób[aęy] (?:doręczenia|dostarczenia|dostawy)\b"
     r"|\bnieudana (?:próba|dostawa)\b|\bnie (?:udało się|mogliśmy) (?:doręczyć|dostarczyć)\b"
     r"|\bawizo\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\bgotow[aey] do odbioru\b|\bczeka na (?:odbiór|ciebie|odebranie)\b"
     r"|\bdo odbioru (?:w|z)\b|\bmożna (?:już )?(?:ją |je )?odebrać\b"
     rf"|\b(?:czeka|jest|dotarła|dotarło) (?:już )?(?:w|do) .{{0,20}}\b{_PICKUP_PLACES}"
     # "została dostarczona do Paczkomatu": delivered to a locker is ready for pickup
     rf"|\b(?:dostarczon|doręczon)\w* do .{{0,20}}\b{_PICKUP_PLACES}"),
    (M.DELIVERED, rf"^\W*dostarczon{_END}\b|^\W*doręczon{_END}\b|\bzostał[aoy]? (?:już )?"
     rf"(?:dostarczon|doręczon)|^\W*odebran{_END}\b"),
    (M.OUT_FOR_DELIVERY, r"^\W*(?:dzisiaj |dziś )?w doręczeniu\b|\bjest w doręczeniu\b"
     rf"|\b(?:przekazan|wydan){_END} do doręczenia\b|^\W*dostawa (?:dzisiaj|dziś)\b"
     rf"|\b(?:dotrze|zostanie (?:dostarczon|doręczon){_END}) (?:dzisiaj|dziś)\b"
     r"|\bkurier jest w drodze\b"),
    (M.DELAYED, r"\bopóźni"
     r"|\bnowy (?:przewidywany )?termin dostawy\b|\bnowa data dostawy\b"
     r"|\bpóźniej niż (?:oczekiwano|planowano|przewidywano)\b"),
    (M.SHIPPED, rf"^\W*wysłan{_END}\b|\bzostał[aoy]? (?:już )?(?:wysłan|nadan)|^\W*nadan{_END}\b"
     r"|\b(?:jest|są) w drodze\b|^\W*w drodze\b"),
    (M.ORDERED, rf"^\W*zamówion{_END}\b|\bzamówienie złożone\b|\bpotwierdzenie zamówienia\b"
     r"|\bdziękujemy za (?:złożenie zamówienia|zamówienie)\b|\btwoje zamówienie (?:w|z|na) amazon"),
)  # fmt: skip

_BODY = rules(
    (M.CANCELLED, r"\bzamówienie zostało (?:pomyślnie )?anulowane\b"
     r"|\b(?:produkt|artykuł|przedmiot)\w* (?:został|zostały) anulowan"),
    (M.DELIVERY_ATTEMPTED, r"\b(?:podjęto|podjęliśmy|podjął) próbę (?:doręczenia|dostarczenia)\b"
     r"|\bnie (?:udało się|mogliśmy|mógł) (?:doręczyć|dostarczyć)\b"),
    (M.AVAILABLE_FOR_PICKUP, r"\b(?:przesyłka|paczka) (?:jest|czeka) (?:już )?(?:gotowa do "
     r"odbioru|na odbiór|na ciebie)\b"),
    # Not a bare "Dostarczono" line: that is a label of the progress bar every
    # shipment email shows.
    (M.DELIVERED, r"\b(?:przesyłka|paczka|zamówienie) (?:został[ao]|zostały) (?:już )?"
     r"(?:dostarczon|doręczon)|^\s*(?:dostarczono|doręczono) (?:dzisiaj|dziś)\b"),
    (M.OUT_FOR_DELIVERY, r"\b(?:przesyłka|paczka) (?:jest (?:dzisiaj |dziś )?w doręczeniu"
     rf"|został[ao] (?:przekazan|wydan){_END} do doręczenia)\b|\bkurier jest w drodze do ciebie\b"),
    (M.DELAYED, r"\b(?:jest|są|został[aoy]?|zostało) opóźnion|\bpóźniej niż (?:oczekiwano"
     r"|planowano|przewidywano)\b|\bdostawa (?:się )?opóźni"),
    (M.SHIPPED, r"\b(?:przesyłka|paczka|zamówienie|produkty?|artykuły?)\w* (?:został[aoy]?"
     r"|zostało) (?:już )?(?:wysłan|nadan)"),
    (M.ORDERED, r"\bdziękujemy za (?:złożenie zamówienia|zamówienie)\b"
     r"|^\s*potwierdzenie zamówienia\b"),
)  # fmt: skip

_DAY_WORDS = (
    r"dzisiaj|dziś|jutro|pojutrze|poniedziałek|wtorek|środę|czwartek|piątek|sobotę|niedzielę"
)

# Phrases that introduce a delivery estimate, newest-information first. "w" stands
# before a weekday ("w piątek"), "między" before a range, "do" before a deadline.
_ETA_PHRASES = (
    r"nowy (?:przewidywany |szacowany )?termin (?:dostawy|doręczenia)(?: to\b)?:?(?: w\b)?",
    r"nowa (?:przewidywana |szacowana )?data (?:dostawy|doręczenia)(?: to\b)?:?(?: w\b)?",
    r"(?:teraz|obecnie) (?:przewidywana|planowana|spodziewana) dostawa:?(?: (?:w|między)\b)?",
    r"(?:przewidywana|szacowana|planowana|oczekiwana|gwarantowana) (?:dostawa|data dostawy"
    r"|data doręczenia)(?: to\b)?:?(?: (?:w|między|do)\b)?",
    r"(?:przewidywany|szacowany|planowany) termin (?:dostawy|doręczenia)(?: to\b)?:?(?: w\b)?",
    r"dostawa:?(?: (?:w|między|do)\b)?",
    r"doręczenie:?(?: (?:w|między|do)\b)?",
    # "dotrze jutro", "zostanie dostarczona w piątek, 27 marca"
    rf"(?:dotrze|dotrą|zostanie (?:dostarczon|doręczon){_END}|zostaną (?:dostarczone|doręczone))"
    rf"(?: do ciebie\b)?(?: (?:już|teraz)\b)?(?: w\b)?(?=\s+(?:{_DAY_WORDS}|\d))",
)

POLISH = Language(
    code="pl",
    months=_MONTHS,
    weekdays=_WEEKDAYS,
    relative_days=_RELATIVE_DAYS,
    subject_rules=_SUBJECT,
    body_rules=_BODY,
    eta_phrases=_ETA_PHRASES,
    quantity=re.compile(r"\b(?:ilość|ilosc|liczba sztuk)\s*:?\s*(\d{1,3})\b", re.IGNORECASE),
    # "Zdjęcie dostawy", "zdjęcie przesyłki", "Zobacz zdjęcie"
    photo_label=re.compile(r"\bzdjęci[ea]\b|\bzdjęciu\b|\bfotografi", re.IGNORECASE),
    # "Przewoźnik: InPost", "Firma kurierska: DPD", "wysłana przez DPD", "doręczy ją
    # Poczta Polska", "przekazana firmie InPost". A carrier's name after "przez" or
    # "do" is often inflected ("przez Pocztę Polską"); those are not recognised, and
    # only a tracking number whose own format names its carrier (DPD) says who it is.
    carrier_label=re.compile(
        r"(?:\b(?:przewoźnik|firma kurierska|kurier|operator|dostawca przesyłki)\s*:"
        r"|\b(?:wysłan|nadan|dostarczon|doręczon)[aeoy]? (?:przez|z|za pośrednictwem)"
        r"|\b(?:doręczy|dostarczy)(?: ją| je| go)?"
        r"|\bprzekazan[aeoy]? (?:firmie|przewoźnikowi|kurierowi|do))"
        r"\s+(?P<name>[A-Z][\w&.\- ]{1,30})",
        re.IGNORECASE,
    ),
    # "Sprzedawca: Amazon EU S.à r.l.", "Sprzedawca Amazon", "Sprzedawane przez: ..."
    sold_by=re.compile(r"^\s*(?:sprzedawca\b|sprzedawane przez\b|sprzedaje\b)", re.I | re.M),
    generic_link=re.compile(
        r"^(?:kup ponownie|wyświetl|zobacz|śledź|sprawdź|zwróć|zwrot|oceń|napisz|udostępnij"
        r"|zarządzaj|edytuj|szczegóły|twoje zamówienia|twoje konto|moje zamówienia|pomoc)\b",
        re.I,
    ),
    # "Kod odbioru: 614207", "kod odbioru to 614207", "Kod PIN: 3847". A code has a
    # digit, so "Kod odbioru znajdziesz w aplikacji" yields no code.
    pickup_code=re.compile(
        r"\bkod(?:em)? (?:odbioru|dostępu|otwarcia(?: skrytki)?|pin)(?: to| przesyłki)?"
        r"\s*:?\s*(?P<code>(?=[A-Z]*\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Twoje hasło jednorazowe to 482913": said to the courier, not a locker code.
    delivery_code=re.compile(
        r"\b(?:hasło jednorazowe|jednorazowe hasło|jednorazowy kod|kod (?:dostawy|doręczenia|otp)"
        r"|otp)(?: \(otp\))?(?: to)?\s*:?\s*(?P<code>(?=[A-Z]*\d)[A-Z0-9]{4,12})\b",
        re.IGNORECASE,
    ),
    # "Paczkomat InPost KRA08M, ul. Długa 12, ..." (the point's own line, in the
    # nominative), else "czeka na Ciebie w Paczkomacie InPost KRA08M".
    pickup_location=places(
        rf"^\s*(?=(?:paczkomat|automat paczkowy|amazon (?:locker|hub)|punkt odbioru)\b){PLACE}",
        rf"\bczeka na (?:ciebie|odbiór) w {PLACE}",
    ),
    # "Przesyłkę możesz odebrać do soboty, 28 marca": the weekday is in the genitive.
    pickup_deadline=(
        r"\bodebrać(?: ją| je| przesyłkę)? do(?: [^\W\d]+,)?",
        r"\bodbierz(?: ją| je| przesyłkę)? do(?: [^\W\d]+,)?",
    ),
    # "Przesyłkę odebrał domownik", "została pozostawiona przy drzwiach"
    delivery_location=places(
        rf"\b(?=przesyłkę (?:odebrał|odebrała|odebrali|pozostawiono|zostawiono)\b){CLAUSE}",
        r"\b(?:została|zostało|zostały) (?=(?:pozostawion|zostawion|dostarczon)\w* "
        rf"(?:w|przy|pod|na|u|do)\b){CLAUSE}",
    ),
    # A refund that is late is not a refund.
    informational=re.compile(
        r"\bzwrot (?:pieniędzy|środków)\b[^\n]{0,40}?\b(?:opóźni|wstrzyman|w toku)"
        r"|\bopóźnienie zwrotu\b",
        re.IGNORECASE,
    ),
    negative_subjects=re.compile(
        r"^\W*oceń\b|\bjak (?:oceniasz|ci się podoba|się sprawdza|minęła)\b"
        r"|\bpodziel się (?:opinią|swoją opinią|wrażeniami)\b|\btwoja opinia\b"
        r"|\bnapisz recenzję\b|\b(?:oferty|okazje|promocje|rekomendacje) (?:dla ciebie|dnia)\b"
        r"|\bpolecane dla ciebie\b|\bwybrane dla ciebie\b",
        re.IGNORECASE,
    ),
    range_separators=("-", "–", "—", "do"),
    day_first=True,
    numeric_dates="dmy",
)
