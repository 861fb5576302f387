"""Finding tracking numbers in an email's text.

It is deliberately conservative: a wrong tracking number creates a phantom
shipment and notifications the user did not ask for, which is worse than
missing one (the email's "Track package" link still identifies the shipment).
The formats and check digits are parsers.tracking_numbers'.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Sequence
from itertools import islice

from parsers.tracking_numbers import (
    ALIASES,
    BY_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    Context,
    TrackingNumber,
    carriers_named,
    choose,
    readings,
)

__all__ = ["find_all"]

# Printed tracking numbers are either one unbroken piece or split into short groups
# ("1Z 999 AA1 01 2345 6784", "4470-1234-5671"). A candidate is therefore one piece of
# upper-case letters and digits, or several pieces of at most six characters joined by
# one and the same separator, bounded by anything that is not a letter or digit. Longer
# pieces are whole numbers in their own right, and joining them (or mixing separators)
# is how order ids, addresses and phone numbers would turn into false tracking numbers.
# Lower-case letters end a candidate, so ordinary words never join one. Full-width forms
# (common in Japanese mail) are accepted and translated per candidate, which spares a
# pass over the whole text.
#
# Every email is hostile until proven otherwise, so the search is linear by
# construction: one pattern without look-arounds finds each run of letters, digits and
# separators once, and the run is cut into candidates piece by piece in Python. Nothing
# is read twice, a group of more than _MAX_PIECES pieces is no printed number (the
# longest, 34 characters in groups of four, has nine), and a text gets at most
# _MAX_WINDOWS windows checked against the formats: more digit groups than that is no
# shipping email, and what follows them is not read.
_MAX_JOINED_GROUP = 6
_MAX_PIECES = 48
_MAX_WINDOWS = 2_000
_MIN_DIGITS = 7
"""A candidate with fewer digits is no number of any format worth the look."""
_DIGITS = "0-9\uff10-\uff19"
_PIECE_CHAR = f"[A-Z\uff21-\uff3a{_DIGITS}]"
_SEPARATORS = " \u00a0\u2009\u202f\\-\u2010\u2011\uff0d"
# Possessive: nothing here is ever given back, so the engine keeps no state per
# piece (a backtracking repeat kept ~128 bytes a piece: 150 MB for "1 1 1 ..." of 2 MB).
_RUN = re.compile(rf"{_PIECE_CHAR}++(?:[{_SEPARATORS}]{_PIECE_CHAR}++)*+")
_PIECE = re.compile(f"{_PIECE_CHAR}++")
# Lower-case letters glued to the end of a run: the piece they touch is part of a word.
_GLUE = re.compile("[a-z\uff41-\uff5a]")
_ANY_DIGIT = re.compile(f"[{_DIGITS}]")
_TO_ASCII = str.maketrans(
    {chr(0xFF10 + i): chr(0x30 + i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {"\uff0d": "-"}
)
_PHONE_PREFIX = re.compile(rf"\+(?:[0-9]{{1,3}}[{_SEPARATORS}(]*)?\Z")
_ORDER_ID = re.compile(r"(?<![A-Za-z0-9])[0-9D]\d{2}-\d{7}-\d{7}(?![A-Za-z0-9])")
_DIGIT = re.compile(r"\d")

# One candidate: its pieces (ASCII) and where each starts in the text.
_Candidate = tuple[list[str], list[int]]

_CONTEXT_CHARS = 100
"""How far before a number its label ("Tracking ID:", "伝票番号") may start."""
_NUMBERS_IN_REACH = _CONTEXT_CHARS // MIN_LENGTH
"""At most this many accepted numbers fit between a label and the next candidate."""

# Words that introduce a tracking number, in the languages of Amazon's marketplaces.
# Like the carrier spellings, each starts with a literal so that _any_of can skip ahead.
_LABEL_WORDS = (
    "track", "trace", "waybill", r"\bawb\b", "consignment", r"parcel ?(?:id|no\b|number|#)",
    r"package ?(?:id|no\b|number|#)", r"shipment ?(?:id|no\b|number|#)", "sendungs",
    "paketnummer", "suivi", "colis", "seguimiento", "rastreio", "rastreamento",
    "tracciamento", "tracciabilit", "spedizione", "zending", "przesy[lł]k", "追跡", "伝票番号",
    "問い?合わ?せ番号", "送り状番号", "配送番号", "荷物番号",
)  # fmt: skip

# Words that introduce something else; after one of them, a label no longer applies.
_OTHER_WORDS = (
    r"\borders?\b", r"\bbestell", r"\bcommande", r"\bpedido", r"\bordine", r"\bzam[oó]wien",
    r"\bphone", r"\btel\b", r"\btelefon", r"\bt[ée]l[ée]phone", r"\btel[ée]fono", r"\bfax\b",
    r"\bcall\b", r"\bhotline", r"\bappel", r"\banruf", r"\bllam", r"\bchiam", r"\bisbn",
    r"\binvoice", r"\brechnung", r"\bfactur", r"\bfattura", r"\biban\b", r"\baccount",
    r"\bkonto", r"\bkundennummer", r"\bcustomer", "注文", "電話", "請求",
    "問い?合わ?せ先", "フリーダイヤル", "ナビダイヤル",
)  # fmt: skip


def _any_of(alternatives: Sequence[str], carrier_names: Sequence[str] = ()) -> re.Pattern[str]:
    """One regex for many lower-case alternatives, fast on text that rarely matches.

    A look-ahead on the alternatives' possible first characters lets the engine reject
    most positions with one test instead of trying every alternative in turn, which is
    what makes reading a label cheap enough to do for every bare-digit candidate.
    """
    sources = [*carrier_names, *alternatives]
    firsts = {src.removeprefix(r"\b")[0] for src in sources}
    carrier_part = f"(?P<carrier>{'|'.join(carrier_names)})|" if carrier_names else ""
    return re.compile(
        f"(?=[{re.escape(''.join(sorted(firsts)))}])(?:{carrier_part}{'|'.join(alternatives)})"
    )


_LABEL = _any_of(_LABEL_WORDS, [s for a in ALIASES if a.in_text for s in a.spellings])
_OTHER_LABEL = _any_of(_OTHER_WORDS)


class _Finder:
    """One pass of find_all over one text; remembers what it accepted, in order."""

    def __init__(self, text: str, country: str | None) -> None:
        self.text = text
        self.country = country
        self.found: dict[str, TrackingNumber] = {}
        self.accepted: list[range] = []
        self.windows_left = _MAX_WINDOWS

    def scan(self) -> list[TrackingNumber]:
        text = self.text
        for run in _RUN.finditer(text):
            if self.windows_left <= 0:
                break
            start, end = run.span()
            if not _has_digits(text, start, end, _MIN_DIGITS):
                continue
            for pieces, offsets in _candidates(text, start, end):
                first, last = offsets[0], offsets[-1] + len(pieces[-1])
                if last - first < MIN_LENGTH or _digit_count(pieces) < _MIN_DIGITS:
                    continue
                if _PHONE_PREFIX.search(text, max(0, first - 6), first):
                    continue  # an international phone number: "+1 206-266-1000"
                self._scan_candidate([p.translate(_TO_ASCII) for p in pieces], offsets)
        return list(self.found.values())

    def _scan_candidate(self, pieces: list[str], offsets: list[int]) -> None:
        """Try the windows of a candidate's pieces from left to right (see _window_ends)."""
        first = 0
        while first < len(pieces) and self.windows_left > 0:
            end = self._accept_from(pieces, offsets, first)
            first = end if end else first + 1

    def _accept_from(self, pieces: Sequence[str], offsets: Sequence[int], first: int) -> int | None:
        """Accept the longest valid window starting at piece `first`; return its end.

        Without a label or a carrier's name before it, only a STRONG format can be
        believed (see Trust), so only those are tried."""
        context: Context | None = None
        for end in _window_ends(pieces, first):
            if self.windows_left <= 0:
                return None
            self.windows_left -= 1
            context = context or self._context_before(offsets[first])
            number = "".join(pieces[first:end])
            options = readings(number, strong_only=not (context.labelled or context.hinted))
            chosen = choose(options, self.country, context) if options else None
            if chosen:
                if number not in self.found:
                    self.found[number] = TrackingNumber(chosen.carrier, number)
                self.accepted.append(range(offsets[first], offsets[end - 1] + len(pieces[end - 1])))
                return end
        return None

    def _context_before(self, pos: int) -> Context:
        """Read the label, if any, that introduces the candidate starting at `pos`.

        The last tracking word and the last carrier name within reach count only if
        nothing labelling something else ("Order", "Tel", "ISBN") follows them and no
        other number sits between them and the candidate. Numbers already accepted and
        Amazon order ids do not count as "other", so lists of numbers keep their label.
        """
        lo = max(0, pos - _CONTEXT_CHARS)
        window = _lower(self.text[lo:pos])
        word_end = name_end = -1
        name = ""
        for match in _LABEL.finditer(window):
            if match.group("carrier"):
                name_end, name = match.end(), match.group("carrier")
            else:
                word_end = match.end()
        labelled = word_end >= 0 and self._still_applies(window, word_end, lo)
        named = name_end >= 0 and self._still_applies(window, name_end, lo)
        hinted = carriers_named(name) if named else frozenset()
        return Context(labelled, hinted, abroad_ok=False)

    def _still_applies(self, window: str, label_end: int, lo: int) -> bool:
        """Whether a label ending at window[label_end] still introduces the window's end."""
        if _OTHER_LABEL.search(window, label_end):
            return False
        recent = [span for span in self.accepted[-_NUMBERS_IN_REACH:] if span.stop > lo]
        order_ids = _ORDER_ID.finditer(self.text, lo, lo + len(window))
        excused = recent + [range(*m.span()) for m in order_ids]
        return all(
            any(lo + digit.start() in span for span in excused)
            for digit in _DIGIT.finditer(window, label_end)
        )


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _lower(text: str) -> str:
    """Lower-case text without changing its length, so positions stay comparable."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def _window_ends(pieces: Sequence[str], first: int) -> list[int]:
    """End indices (exclusive) of the windows starting at piece `first`, longest first.

    The pieces of one candidate may be joined (the candidate pattern made sure they are
    short and share a separator), but only to a length that some format has, and not
    when every piece has one or two characters: that is how phone numbers are written
    ("01 23 45 67 89"), not tracking numbers.
    """
    length = longest = len(pieces[first])
    ends = [first + 1] if length in BY_LENGTH else []
    for end in range(first + 1, len(pieces)):
        length += len(pieces[end])
        if length > MAX_LENGTH:
            break
        longest = max(longest, len(pieces[end]))
        if longest > 2 and length in BY_LENGTH:
            ends.append(end + 1)
    return ends[::-1]


def _candidates(text: str, start: int, end: int) -> Iterator[_Candidate]:
    """The candidates of one run (text[start:end]), in order, read piece by piece.

    A piece longer than six characters stands alone (a candidate when long enough);
    shorter ones form groups while the separator stays the same. A piece touching a
    lower-case letter is part of a word and ends the group before it.
    """
    glued_before = start > 0 and _GLUE.match(text, start - 1) is not None
    glued_after = _GLUE.match(text, end) is not None
    group = _Group()
    for match in _PIECE.finditer(text, start, end):
        piece, at = match.group(), match.start()
        if (at == start and glued_before) or (match.end() == end and glued_after):
            yield from group.close()
            continue
        if len(piece) > _MAX_JOINED_GROUP:
            yield from group.close()
            if MIN_LENGTH <= len(piece) <= MAX_LENGTH:
                yield [piece], [at]
            continue
        separator = text[at - 1] if at > start else ""
        if not group.takes(separator):
            yield from group.close()
        group.add(piece, at, separator)
    yield from group.close()


class _Group:
    """Short pieces joined by one separator, as they are read."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.offsets: list[int] = []
        self.separator = ""
        self.overlong = False

    def _reset(self) -> None:
        self.pieces, self.offsets, self.separator, self.overlong = [], [], "", False

    def takes(self, separator: str) -> bool:
        """Whether a piece after `separator` continues this group."""
        return len(self.pieces) < 2 or separator == self.separator

    def add(self, piece: str, at: int, separator: str) -> None:
        if len(self.pieces) == 1:
            self.separator = separator
        if len(self.pieces) >= _MAX_PIECES:
            self.overlong = True  # kept going over, never kept
            return
        self.pieces.append(piece)
        self.offsets.append(at)

    def close(self) -> Iterator[_Candidate]:
        """The group as a candidate (two pieces or more, not overlong); then empty."""
        if len(self.pieces) >= 2 and not self.overlong:
            yield self.pieces, self.offsets
        self._reset()


def _has_digits(text: str, start: int, end: int, count: int) -> bool:
    """Whether text[start:end] holds at least `count` digits (stops at the count-th)."""
    return sum(1 for _ in islice(_ANY_DIGIT.finditer(text, start, end), count)) >= count


def _digit_count(pieces: Sequence[str]) -> int:
    return sum(1 for piece in pieces for char in piece if char.isdigit())


def find_all(text: str, *, country: str | None = None) -> list[TrackingNumber]:
    """The tracking numbers in an email's text, validated, unique, in order of appearance.

    Numbers may be grouped with spaces or dashes. Formats with a distinctive shape and
    check (UPS, S10, IMpb, ...) are found anywhere; bare digit strings are taken only
    right after a tracking label or carrier name, which is what keeps order ids, phone
    numbers, prices, dates and ISBNs out. `country` is the marketplace's ISO code and
    settles ambiguous formats as in `identify`.
    """
    return _Finder(text, country.upper() if country else None).scan()
