"""The one place where Vietnamese input is read: dates, numbers, durations, choices, free text,
phones, codes.

Reporters type on cheap phones, often without diacritics; everything here forgives what it can and
answers the rest with a short Vietnamese explanation (ParseError.message). Two rules hold
throughout: words are matched whole ("huy" is never found inside "chuyen"), and a number is only
ever read from ASCII digits ("²" and "①" are not numbers, "３" becomes 3)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from handlers import texts as T


class ParseError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _ascii_digit(ch: str) -> str:
    """A decimal digit of any script as its ASCII twin; every other character as it is."""
    if not ch.isascii() and unicodedata.category(ch) == "Nd":
        return str(unicodedata.decimal(ch))
    return ch


def fold(text: str) -> str:
    """Lowercase, without diacritics (đ → d), ASCII digits, single spaces: what we compare typed
    text with."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(_ascii_digit(ch) for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text)


_WORD_RE = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The whole words of a text, folded: what choices and keywords are matched on."""
    return _WORD_RE.findall(fold(text))


def is_int_text(text: str, max_digits: int = 6) -> bool:
    """Only ASCII digits, and not too many of them: safe to give to int()."""
    return bool(text) and len(text) <= max_digits and text.isascii() and text.isdigit()


def has_content(text: str) -> bool:
    """A letter or a digit somewhere: '😀😀😀' or '...' is no answer to a required question."""
    return any(ch.isalnum() for ch in text)


SKIP_WORDS = {"bo qua", "boqua", "khong", "ko", "k", "kh", "-", "khong co", "ko co", "0 co", "."}


def is_skip(text: str) -> bool:
    """'bỏ qua', 'không', 'ko', 'k', '-': nothing to say for an optional question."""
    return fold(text).strip(" .!") in SKIP_WORDS or text.strip() in {"-", "—", "–"}


# -- dates -----------------------------------------------------------------------------------

RELATIVE_DAYS = {
    "hom nay": 0,
    "homnay": 0,
    "hnay": 0,
    "nay": 0,
    "hom qua": 1,
    "homqua": 1,
    "hqua": 1,
    "qua": 1,
    "hom kia": 2,
    "homkia": 2,
}
NEAR_FUTURE_DAYS = 60  # a day-month this far ahead is a typo for the future, not last year
DATE_PATTERN = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}|\d{2}))?"
_DATE_RE = re.compile(rf"^{DATE_PATTERN}$", re.ASCII)
_DATE_WORDS_RE = re.compile(r"^(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?$", re.ASCII)


def parse_date(text: str, today: date) -> date:
    """'hôm nay', 'hom qua', '12/11', '12/11/2026', '12-11', '12.11.26', 'ngày 12 tháng 11'.
    A day and month without a year mean the latest such day not after today."""
    folded = fold(text)
    folded = re.sub(r"^ngay\s+", "", folded).strip(" .")
    if folded in RELATIVE_DAYS:
        return today - timedelta(days=RELATIVE_DAYS[folded])
    m = _DATE_RE.match(folded) or _DATE_WORDS_RE.match(folded)
    if not m:
        raise ParseError(T.BAD_DATE)
    return date_from_parts(m.group(1), m.group(2), m.group(3), today)


def date_from_parts(day_text: str, month_text: str, year_text: str | None, today: date) -> date:
    day, month = int(day_text), int(month_text)
    year = int(year_text) + (2000 if len(year_text or "") == 2 else 0) if year_text else today.year
    if not 1 <= month <= 12:
        raise ParseError(T.BAD_MONTH.format(month=month))
    try:
        value = date(year, month, day)
    except ValueError:
        raise ParseError(_no_such_day(day, month)) from None
    if not year_text and value > today + timedelta(days=NEAR_FUTURE_DAYS):
        # "28/12" typed on 3 January means last December, not next.
        try:
            value = date(year - 1, month, day)
        except ValueError:  # 29/02 of a leap year
            raise ParseError(_no_such_day(day, month)) from None
    if value > today:
        raise ParseError(T.FUTURE_DATE.format(today=today.strftime("%d/%m/%Y")))
    if value.year < 2000:
        raise ParseError(T.BAD_DATE)
    return value


def _no_such_day(day: int, month: int) -> str:
    if 1 <= day <= 31:
        return T.NO_SUCH_DAY.format(day=day, month=month)
    return T.BAD_DATE


# -- numbers, units and durations ------------------------------------------------------------

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
# The unit words people write after a number, to the unit a field declares ("unit" in the kind's
# spec). Hours are minutes with a factor: durations are always stored in minutes.
UNIT_WORDS: dict[str, str] = {
    "buoi": "buổi",
    "luot": "buổi",
    "lan": "buổi",
    "phut": "phút",
    "ph": "phút",
    "p": "phút",
    "tieng": "phút",
    "gio": "phút",
    "h": "phút",
    "g": "phút",
    "nguoi": "người",
    "dai bieu": "người",
    "dang vien": "người",
    "ng": "người",
    "cai": "cái",
    "chiec": "cái",
    "tam": "cái",
    "to": "cái",
    "bo": "cái",
}
HOUR_WORDS = {"tieng", "gio", "h", "g"}
_NUM = r"(?<![0-9a-z])([0-9]{1,3}(?:[.,][0-9]{3})+(?![0-9])|[0-9]+)([.,][0-9]+)?"
_UNIT_ALT = "|".join(
    sorted((re.escape(w) for w in UNIT_WORDS if w not in HOUR_WORDS), key=len, reverse=True)
)
_HOUR_ALT = "|".join(sorted(HOUR_WORDS, key=len, reverse=True))
# A number and the unit word after it (if any), e.g. "2 buoi", "1h30", "1 tieng ruoi", "90p".
_AMOUNT_RE = re.compile(
    rf"{_NUM}\s*(?:({_HOUR_ALT})(?![a-z])"
    rf"(?:\s*(ruoi)(?![a-z])|\s*([0-9]{{1,2}})(?:\s*(?:phut|ph|p)(?![a-z]))?(?![0-9]))?"
    rf"|({_UNIT_ALT})(?![a-z]))?",
    re.ASCII,
)
# Words that may stand beside a number written as a word ("khoảng ba buổi").
_AROUND_NUMBER_WORDS = {"khoang", "chung", "tam", "gan", "hon", "duoc", "co"}
_HALF_HOUR_RE = re.compile(r"(?<![a-z])nua (?:tieng|gio)(?![a-z])")


@dataclass(frozen=True)
class Amount:
    """A number found in folded text, with the unit it was written with ('' for none)."""

    start: int
    end: int
    value: int
    unit: str  # a UNIT_WORDS value, or ""
    fraction: bool = False  # written with a decimal part the unit cannot take


def find_amounts(folded: str) -> list[Amount]:
    """Every number in `folded` with its unit: durations in hours become minutes ('1 tiếng
    rưỡi' is 90, '1h30' is 90, '1,5 giờ' is 90), a bare number keeps unit ''."""
    found: list[Amount] = []
    for m in _HALF_HOUR_RE.finditer(folded):
        found.append(Amount(m.start(), m.end(), 30, "phút"))
    for m in _AMOUNT_RE.finditer(folded):
        digits, fraction, hour_word, half, extra_minutes, unit_word = m.groups()
        whole = int(re.sub(r"[.,]", "", digits)) if len(digits) <= 12 else 10**12
        unit = UNIT_WORDS.get(hour_word or unit_word or "", "")
        if hour_word:
            hours = float(f"{whole}.{fraction[1:]}") if fraction else float(whole)
            minutes = hours * 60 + (30 if half else 0) + int(extra_minutes or 0)
            found.append(
                Amount(m.start(), m.end(), round(minutes), unit, fraction=minutes != int(minutes))
            )
            continue
        found.append(Amount(m.start(), m.end(), whole, unit, fraction=bool(fraction)))
    return sorted(found, key=lambda a: a.start)


def parse_int(text: str, low: int, high: int, unit: str = "") -> int:
    """A whole number, possibly with words around it ('3 buổi', 'khoảng 45 phút', 'ba'). With
    `unit` "phút" the answer may be in hours ('2 tiếng' is 120); a number written with another
    field's unit ('45 phút' for a count of sessions) is questioned, never taken."""
    folded = fold(text).replace("\u00a0", " ")
    if any(ch.isdigit() and not ch.isascii() for ch in folded):
        raise ParseError(T.DIGITS_ONLY)  # "10⁵", "①": digits to the eye, not to us
    if re.search(r"(?<![0-9a-z])[-−–]\s*[0-9]", folded):
        raise ParseError(T.NEGATIVE_NUMBER)
    amounts = find_amounts(folded)
    if not amounts:
        said = words(text)
        numbers = [_NUMBER_WORDS[w] for w in said if w in _NUMBER_WORDS]
        # A number word counts only in an answer that is just the number ("ba", "ba buổi"):
        # "nhắc bà con" holds "ba" but is no number.
        others = [w for w in said if w not in _NUMBER_WORDS]
        unit_words = {u for w in UNIT_WORDS for u in w.split()}
        if len(numbers) != 1 or any(w not in unit_words | _AROUND_NUMBER_WORDS for w in others):
            raise ParseError(_no_number_reason(text))
        value = numbers[0]
    else:
        if len(amounts) > 1:
            raise ParseError(T.ONE_NUMBER)
        amount = amounts[0]
        if amount.unit and unit and amount.unit != unit:
            raise ParseError(T.WRONG_UNIT.format(unit=unit, got=amount.unit))
        if amount.fraction:
            raise ParseError(T.WHOLE_NUMBER)
        value = amount.value
    if value < low:
        raise ParseError(T.NUMBER_TOO_SMALL.format(low=low, unit=unit).strip())
    if value > high:
        raise ParseError(T.NUMBER_TOO_BIG.format(high=high, unit=unit))
    return value


def _no_number_reason(text: str) -> str:
    if any(not ch.isascii() and ch.isdigit() for ch in text):
        return T.DIGITS_ONLY  # "²", "①": digits to the eye, not to us
    return T.BAD_NUMBER


# -- choices ---------------------------------------------------------------------------------


def match_choice(
    text: str, labels: list[str], numbered: int | None = None, *, whole: bool = False
) -> int | None:
    """Index of the choice meant by `text`: its number (1-based, among the first `numbered`
    labels, all by default), or its label's words. With `whole` (a question that also takes
    free text) only the label itself matches; otherwise also the first words of one label
    ('khau' for 'Khẩu hiệu') or one label's words inside the text ('treo băng rôn'). Words are
    matched whole; None when nothing or more than one fits."""
    said = words(text)
    if not said:
        return None
    if len(said) == 1 and said[0].isdigit() and re.fullmatch(r"[\s#.]*[0-9]+[\s.)]*", fold(text)):
        limit = len(labels) if numbered is None else numbered
        n = int(said[0]) if is_int_text(said[0], 4) else 0
        return n - 1 if 1 <= n <= limit else None
    label_words = [words(label) for label in labels]
    exact = [i for i, lw in enumerate(label_words) if lw == said]
    if exact:
        return exact[0]
    if whole:
        return None
    n = len(said)
    starts = [i for i, lw in enumerate(label_words) if lw[:n] == said]
    if len(starts) == 1 and len("".join(said)) >= 3:
        return starts[0]
    within = [i for i, lw in enumerate(label_words) if _contains(lw, said)]
    if len(within) == 1 and len("".join(said)) >= 3:
        return within[0]
    inside = [i for i, lw in enumerate(label_words) if lw and _contains(said, lw)]
    if len(inside) == 1 and len("".join(label_words[inside[0]])) >= 3:
        return inside[0]
    return None


def _contains(haystack: list[str], needle: list[str]) -> bool:
    """`needle` as a run of whole words within `haystack`."""
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def find_phrase(haystack: list[str], needle: list[str]) -> int:
    """Where the run of words `needle` starts in `haystack`, or -1."""
    n = len(needle)
    return next((i for i in range(len(haystack) - n + 1) if haystack[i : i + n] == needle), -1)


def match_many(text: str, labels: list[str]) -> list[int]:
    """Several choices at once: '1, 3 5', '1-3', or labels separated by commas or semicolons."""
    folded = fold(text)
    picked: list[int] = []
    if re.fullmatch(r"[0-9\s,;\-–.]+", folded):
        for a, b in re.findall(r"([0-9]+)(?:\s*[-–]\s*([0-9]+))?", folded):
            if not is_int_text(a, 4) or not is_int_text(b or a, 4):
                raise ParseError(T.CHOICE_OUT_OF_RANGE.format(n=len(labels)))
            lo, hi = int(a), int(b or a)
            if not (1 <= lo <= hi <= len(labels)):
                raise ParseError(T.CHOICE_OUT_OF_RANGE.format(n=len(labels)))
            picked += [i for i in range(lo - 1, hi) if i not in picked]
        if not picked:
            raise ParseError(T.PICK_SOMETHING)
        return picked
    for part in re.split(r"[,;\n]+", text):
        if not words(part):
            continue
        i = match_choice(part, labels)
        if i is None:
            raise ParseError(T.UNKNOWN_CHOICE_PART.format(part=part.strip()[:40]))
        if i not in picked:
            picked.append(i)
    if not picked:
        raise ParseError(T.PICK_SOMETHING)
    return picked


# -- free text, phones, codes ----------------------------------------------------------------

# Control characters, lone surrogates (which no database or workbook can store) and
# non-characters; the rest of Unicode, emoji included, is kept as typed.
_UNSTORABLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def storable(text: str) -> str:
    """The text without what cannot be stored or exported: control characters, lone surrogates."""
    return _UNSTORABLE_RE.sub("", text)


def clean_text(text: str, max_length: int, *, required: bool = True) -> str:
    value = storable(unicodedata.normalize("NFC", storable(text))).strip()
    if not value:
        raise ParseError(T.EMPTY_TEXT)
    if required and not has_content(value):
        raise ParseError(T.NO_WORDS)
    if len(value) > max_length:
        raise ParseError(T.TEXT_TOO_LONG.format(length=len(value), max=max_length))
    return value


def normalize_phone(text: str) -> str | None:
    """'0912 345 678', '+84912345678', '84-912-345-678' → '0912345678'; None if not a VN phone."""
    digits = re.sub(r"[^0-9+]", "", "".join(_ascii_digit(ch) for ch in text or ""))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    digits = digits.replace("+", "")
    if re.fullmatch(r"[35789][0-9]{8}", digits):  # Excel dropped the leading zero
        digits = "0" + digits
    return digits if re.fullmatch(r"0[0-9]{9}", digits) else None


INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


def normalize_code(text: str) -> str:
    """An invite code as typed: any case, with spaces or dashes."""
    return re.sub(r"[\s\-_.]", "", fold(text)).upper()


def looks_like_code(text: str) -> bool:
    """Only what could be one of our codes: a greeting such as "xin chào" is not an attempt."""
    code = normalize_code(text)
    return 6 <= len(code) <= 12 and all(ch in INVITE_ALPHABET for ch in code)


# -- forms with their quantities ("3 băng rôn, 2 khẩu hiệu") ---------------------------------


@dataclass(frozen=True)
class FormMention:
    option: int  # index into the options
    quantity: int | None  # None: named without a number
    start: int  # span in the folded text, the number included
    end: int


def find_forms(folded: str, options: list[str]) -> list[FormMention]:
    """Each option named in `folded` (whole words) with the number written just before it
    ('3 băng rôn', '3 cái băng rôn') or just after it ('băng rôn 3')."""
    option_words = [words(o) for o in options]
    spans: list[tuple[int, int, int]] = []  # (start, end, option)
    for i, ow in sorted(enumerate(option_words), key=lambda x: -len(" ".join(x[1]))):
        if not ow:
            continue
        pattern = r"(?<![a-z0-9])" + r"[\s/,.-]*".join(map(re.escape, ow)) + r"(?![a-z0-9])"
        for m in re.finditer(pattern, folded):
            if all(m.end() <= s or m.start() >= e for s, e, _ in spans):
                spans.append((m.start(), m.end(), i))
    spans.sort()
    amounts = [a for a in find_amounts(folded) if a.unit in ("", "cái")]
    used: set[int] = set()
    found: list[FormMention] = []
    for start, end, i in spans:
        before = [
            k
            for k, a in enumerate(amounts)
            if k not in used and a.end <= start and not folded[a.end : start].strip(" ,:")
        ]
        after = [
            k
            for k, a in enumerate(amounts)
            if k not in used and a.start >= end and not folded[end : a.start].strip(" ,:")
        ]
        pick = before[-1] if before else after[0] if after else None
        if pick is None:
            found.append(FormMention(i, None, start, end))
            continue
        used.add(pick)
        a = amounts[pick]
        found.append(FormMention(i, a.value, min(a.start, start), max(a.end, end)))
    return found


def parse_forms(text: str, options: list[str], low: int, high: int) -> dict[str, int]:
    """'3 băng rôn, 2 khẩu hiệu' → {'Băng rôn': 3, 'Khẩu hiệu': 2}; every part must name an
    option and its number, or the whole answer is questioned."""
    folded = fold(text)
    mentions = find_forms(folded, options)
    rest = folded
    for m in sorted(mentions, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    rest_words = [w for w in words(rest) if w not in {"va", "cai", "chiec", "tam", "voi"}]
    if rest_words:
        raise ParseError(
            T.FORM_UNKNOWN.format(part=" ".join(rest_words)[:30], options=", ".join(options))
        )
    if not mentions:
        raise ParseError(T.FORM_NEED_QUANTITY.format(form=options[0].lower()))
    out: dict[str, int] = {}
    for m in mentions:
        name = options[m.option]
        if m.quantity is None:
            raise ParseError(T.FORM_NEED_QUANTITY.format(form=name.lower()))
        if m.quantity < low:
            raise ParseError(T.NUMBER_TOO_SMALL.format(low=low, unit=name.lower()))
        if m.quantity > high:
            raise ParseError(T.NUMBER_TOO_BIG.format(high=high, unit=name.lower()))
        out[name] = out.get(name, 0) + m.quantity
    return out
