"""The one place where Vietnamese input is read: dates, numbers, choices, free text, phones, codes.

Reporters type on cheap phones, often without diacritics; everything here forgives what it can and
answers the rest with a short Vietnamese explanation (ParseError.message)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from handlers import texts as T


class ParseError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fold(text: str) -> str:
    """Lowercase, without diacritics (đ → d), single spaces: what we compare typed text with."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text)


def _words(text: str) -> str:
    return re.sub(r"[^\w]+", " ", fold(text)).strip()


# -- dates -----------------------------------------------------------------------------------

_RELATIVE_DAYS = {
    "hom nay": 0,
    "homnay": 0,
    "hnay": 0,
    "nay": 0,
    "hom qua": 1,
    "homqua": 1,
    "qua": 1,
    "hom kia": 2,
    "homkia": 2,
}
NEAR_FUTURE_DAYS = 60  # a day-month this far ahead is a typo for the future, not last year
_DATE_RE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?$")
_DATE_WORDS_RE = re.compile(r"^(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?$")


def parse_date(text: str, today: date) -> date:
    """'hôm nay', 'hom qua', '12/11', '12/11/2026', '12-11', '12.11.26', 'ngày 12 tháng 11'.
    A day and month without a year mean the latest such day not after today."""
    folded = fold(text)
    folded = re.sub(r"^(ngay|ngày)\s+", "", folded).strip(" .")
    if folded in _RELATIVE_DAYS:
        return today - timedelta(days=_RELATIVE_DAYS[folded])
    m = _DATE_RE.match(folded) or _DATE_WORDS_RE.match(folded)
    if not m:
        raise ParseError(T.BAD_DATE)
    day, month = int(m.group(1)), int(m.group(2))
    year_text = m.group(3)
    year = int(year_text) + (2000 if len(year_text or "") == 2 else 0) if year_text else today.year
    try:
        value = date(year, month, day)
    except ValueError:
        raise ParseError(T.BAD_DATE) from None
    if not year_text and value > today + timedelta(days=NEAR_FUTURE_DAYS):
        # "28/12" typed on 3 January means last December, not next.
        try:
            value = date(year - 1, month, day)
        except ValueError:  # 29/02 of a leap year
            raise ParseError(T.BAD_DATE) from None
    if value > today:
        raise ParseError(T.FUTURE_DATE.format(today=today.strftime("%d/%m/%Y")))
    if value.year < 2000:
        raise ParseError(T.BAD_DATE)
    return value


# -- numbers ---------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}
_INT_RE = re.compile(r"(?<![\w.,])([-−–]\s*)?(\d{1,3}(?:[.,]\d{3})+|\d+)([.,]\d+)?(?![\w.,])")


def parse_int(text: str, low: int, high: int, unit: str = "") -> int:
    """A whole number, possibly with words around it ('3 buổi', 'khoảng 45 phút', 'ba')."""
    folded = fold(text)
    found = _INT_RE.findall(folded.replace("\u00a0", " "))
    if not found:
        words = [_NUMBER_WORDS[w] for w in _words(text).split() if w in _NUMBER_WORDS]
        if len(words) == 1:
            found_value = words[0]
        else:
            raise ParseError(T.BAD_NUMBER)
    else:
        if len(found) > 1:
            raise ParseError(T.ONE_NUMBER)
        sign, digits, fraction = found[0]
        if fraction:
            raise ParseError(T.WHOLE_NUMBER)
        found_value = int(re.sub(r"[.,]", "", digits))
        if sign:
            found_value = -found_value
    if found_value < 0:
        raise ParseError(T.NEGATIVE_NUMBER)
    if found_value < low:
        raise ParseError(T.NUMBER_TOO_SMALL.format(low=low, unit=unit).strip())
    if found_value > high:
        raise ParseError(T.NUMBER_TOO_BIG.format(high=high, unit=unit))
    return found_value


# -- choices ---------------------------------------------------------------------------------


def match_choice(text: str, labels: list[str], numbered: int | None = None) -> int | None:
    """Index of the choice meant by `text`: its number (1-based, among the first `numbered`
    labels, all by default), its label, or the label typed without diacritics or with extra
    words; None when nothing or more than one fits."""
    words = _words(text)
    if not words:
        return None
    if words.isdigit():
        n = int(words)
        limit = len(labels) if numbered is None else numbered
        return n - 1 if 1 <= n <= limit else None
    folded_labels = [_words(label) for label in labels]
    for i, label in enumerate(folded_labels):
        if words == label:
            return i
    starts = [i for i, label in enumerate(folded_labels) if label.startswith(words)]
    if len(starts) == 1 and len(words) >= 3:
        return starts[0]
    contains = [i for i, label in enumerate(folded_labels) if len(words) >= 3 and words in label]
    if len(contains) == 1:
        return contains[0]
    inside = [i for i, label in enumerate(folded_labels) if len(label) >= 3 and label in words]
    if len(inside) == 1:
        return inside[0]
    return None


def match_many(text: str, labels: list[str]) -> list[int]:
    """Several choices at once: '1, 3 5', '1-3', or labels separated by commas or semicolons."""
    words = _words(text)
    picked: list[int] = []
    if re.fullmatch(r"[\d\s,;\-–]+", fold(text)):
        for a, b in re.findall(r"(\d+)(?:\s*[-–]\s*(\d+))?", fold(text)):
            lo, hi = int(a), int(b or a)
            if not (1 <= lo <= hi <= len(labels)):
                raise ParseError(T.CHOICE_OUT_OF_RANGE.format(n=len(labels)))
            picked += [i for i in range(lo - 1, hi) if i not in picked]
        if not picked:
            raise ParseError(T.PICK_SOMETHING)
        return picked
    for part in re.split(r"[,;\n]+", text):
        if not _words(part):
            continue
        i = match_choice(part, labels)
        if i is None:
            raise ParseError(T.UNKNOWN_CHOICE_PART.format(part=part.strip()[:40]))
        if i not in picked:
            picked.append(i)
    if not picked and words:
        raise ParseError(T.PICK_SOMETHING)
    return picked


# -- free text, phones, codes ----------------------------------------------------------------

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str, max_length: int) -> str:
    value = _CONTROL_RE.sub("", unicodedata.normalize("NFC", text)).strip()
    if not value:
        raise ParseError(T.EMPTY_TEXT)
    if len(value) > max_length:
        raise ParseError(T.TEXT_TOO_LONG.format(length=len(value), max=max_length))
    return value


def normalize_phone(text: str) -> str | None:
    """'0912 345 678', '+84912345678', '84-912-345-678' → '0912345678'; None if not a VN phone."""
    digits = re.sub(r"[^\d+]", "", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    digits = digits.replace("+", "")
    if re.fullmatch(r"[35789]\d{8}", digits):  # Excel dropped the leading zero
        digits = "0" + digits
    return digits if re.fullmatch(r"0\d{9}", digits) else None


INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


def normalize_code(text: str) -> str:
    """An invite code as typed: any case, with spaces or dashes."""
    return re.sub(r"[\s\-_.]", "", fold(text)).upper()


def looks_like_code(text: str) -> bool:
    """Only what could be one of our codes: a greeting such as "xin chào" is not an attempt."""
    code = normalize_code(text)
    return 6 <= len(code) <= 12 and all(ch in INVITE_ALPHABET for ch in code)
