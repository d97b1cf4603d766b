"""A whole report typed in one message, as a reporter would write it in a notebook:

    phat thanh hom qua 2 buoi 45 phut cum loa ban Na Khum
    3 bang ron 2 khau hieu ngay 10/11 ngã ba bản
    hop chi bo 14/11 25 nguoi 90 phut nghi quyet 21

The reader finds the kind (its name, its aliases from the catalogue, or one of its forms), the date,
each number by its unit word, the forms, the topics (by keywords of their names, or "chủ đề 1, 3"),
a note after "ghi chú", and takes what remains as the place. It never saves: the report flow asks
for what is missing and shows the summary. What it read but could not take is said, not dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from handlers import parsing
from handlers import texts as T
from handlers.catalog import Catalog, KindInfo
from handlers.fields import OTHER_TOPIC, FieldContext, check_date

# Words that join the parts of a sentence and mean nothing on their own as a place.
FILLER = {
    "tai",
    "o",
    "noi",
    "dia",
    "diem",
    "va",
    "voi",
    "ngay",
    "luc",
    "cho",
    "de",
    "ve",
    "bao",
    "cao",
}
# Words too common in topic names to pick a topic by themselves.
TOPIC_STOP = {"ve", "cua", "va", "cac", "dang", "nhung", "cho", "trong", "tu", "theo", "ban"}
_RELATIVE_RE = re.compile(
    r"(?<![a-z0-9])(?:ngay\s+)?(hom nay|hom qua|hom kia|homnay|homqua|hnay|hqua)(?![a-z0-9])"
)
_DATE_IN_TEXT_RE = re.compile(
    rf"(?<![0-9/.\-])(?:ngay\s+)?{parsing.DATE_PATTERN}(?![0-9/.\-])", re.ASCII
)
_NOTE_RE = re.compile(r"(?<![a-z0-9])(?:ghi chu|gc)\s*[:\-]?\s*")
_TOPIC_NUMBERS_RE = re.compile(r"(?<![a-z0-9])chu de\s*:?\s*([0-9][0-9\s,;\-–]*)")


@dataclass
class Reading:
    kind: KindInfo | None
    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was read but not taken, and why


class _Text:
    """The message as folded words with their place in the original, so that what remains
    after the reader took its parts is the place exactly as the reporter typed it."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        self.starts: list[int] = []
        folded: list[str] = []
        pos = 0
        for start, end in self.tokens:
            self.starts.append(pos)
            piece = parsing.fold(text[start:end])
            folded.append(piece)
            pos += len(piece) + 1
        self.folded = " ".join(folded)
        self.lengths = [len(p) for p in folded]
        self.used = [False] * len(self.tokens)

    def take(self, start: int, end: int) -> None:
        """Mark the tokens that the folded span [start, end) touches as read."""
        for i, s in enumerate(self.starts):
            if s < end and s + self.lengths[i] > start:
                self.used[i] = True

    @property
    def view(self) -> str:
        """The folded text with what was read blanked out, offsets unchanged."""
        chars = list(self.folded)
        for i, s in enumerate(self.starts):
            if self.used[i]:
                chars[s : s + self.lengths[i]] = " " * self.lengths[i]
        return "".join(chars)

    def cut_from(self, start: int) -> str:
        """The original text from the token at folded offset `start` on, marked as read."""
        first = next((i for i, s in enumerate(self.starts) if s + self.lengths[i] > start), None)
        if first is None:
            return ""
        for i in range(first, len(self.tokens)):
            self.used[i] = True
        return self.original[self.tokens[first][0] :].strip()

    def rest(self) -> str:
        return " ".join(
            self.original[s:e]
            for (s, e), used in zip(self.tokens, self.used, strict=True)
            if not used
        )


def _phrase_re(phrase_words: list[str]) -> re.Pattern[str]:
    return re.compile(
        r"(?<![a-z0-9])" + r"[\s/,.-]*".join(map(re.escape, phrase_words)) + r"(?![a-z0-9])"
    )


def find_kind(folded: str, catalog: Catalog) -> tuple[KindInfo, int, int] | None:
    """The kind named in the text (the first name or alias found), else one whose forms are
    named ("3 băng rôn" is a visual-propaganda report). The span returned is what to take out
    of the text: empty where the words must stay, as a form's name or as part of the place
    (a one-word alias such as "loa" is the kind's name only at the start: "cụm loa" is a place)."""
    found: list[tuple[int, int, int, KindInfo]] = []  # (priority, start, end, kind)
    for kind in catalog.menu_kinds:
        names = [(2, kind.name), *((2, a) for a in kind.aliases)]
        for f in kind.fields:
            if f["type"] in ("forms", "choice"):
                names += [(1, o) for o in f.get("options", [])]
        for priority, name in names:
            ws = parsing.words(name)
            m = _phrase_re(ws).search(folded) if ws else None
            if m:
                found.append((priority, m.start(), m.end(), kind))
    if not found:
        return None
    top = max(p for p, *_ in found)
    first = min((f for f in found if f[0] == top), key=lambda f: (f[1], -(f[2] - f[1])))
    kind = first[3]
    if top < 2:  # found by one of its forms: the words stay, they are the form
        return kind, first[2], first[2]
    taken = [
        f
        for f in found
        if f[3] is kind and f[0] == 2 and _is_the_kinds_name(folded, f[1], f[2], kind)
    ]
    if not taken:
        return kind, first[2], first[2]
    best = max(taken, key=lambda f: f[2] - f[1])
    return kind, best[1], best[2]


def _is_the_kinds_name(folded: str, start: int, end: int, kind: KindInfo) -> bool:
    said = parsing.words(folded[start:end])
    before = parsing.words(folded[:start])
    return said == parsing.words(kind.name) or len(said) > 1 or before in ([], ["bao", "cao"])


def find_date_text(folded: str) -> str:
    """The date written somewhere in the text ('hom qua', 'ngay 12/11'), or ''."""
    m = _RELATIVE_RE.search(folded) or _DATE_IN_TEXT_RE.search(folded)
    return m.group() if m else ""


def _has_a_fact(folded: str) -> bool:
    """A number or a date besides the kind: a menu word alone is not a report."""
    return bool(
        parsing.find_amounts(folded)
        or _RELATIVE_RE.search(folded)
        or _DATE_IN_TEXT_RE.search(folded)
    )


def read_report(text: str, catalog: Catalog, ctx: FieldContext) -> Reading | None:
    """The report written in `text`, or None when it names no kind or nothing more."""
    t = _Text(text)
    found = find_kind(t.folded, catalog)
    if found is None or not _has_a_fact(t.folded):
        return None
    kind, k_start, k_end = found
    t.take(k_start, k_end)
    reading = Reading(kind)
    values = reading.values
    fields = kind.fields

    note_field = next((f for f in fields if f["type"] == "text" and f.get("optional")), None)
    m = _NOTE_RE.search(t.view)
    if m and note_field is not None:
        t.take(m.start(), m.end())
        note = t.cut_from(m.end())
        if note and parsing.has_content(note):
            values[note_field["key"]] = parsing.clean_text(note, ctx.rules.max_text_length)

    _read_date(t, kind, ctx, reading)
    _read_forms(t, kind, reading)
    _read_topics(t, kind, catalog, reading)
    _read_amounts(t, kind, reading)

    rest = t.rest()
    rest_words = [w for w in parsing.words(rest) if w not in FILLER]
    place = next(
        (f for f in fields if f["type"] in ("place", "text") and not f.get("optional")), None
    )
    if rest_words and any(not w.isdigit() for w in rest_words) and place is not None:
        cleaned = _trim_fillers(rest)
        try:
            values[place["key"]] = parsing.clean_text(cleaned, place.get("max_length", 200))
        except parsing.ParseError as e:
            reading.notes.append(e.message)
    elif rest_words:
        reading.notes.append(T.LEFTOVER.format(text=parsing.storable(rest)[:60]))
    return reading


def _trim_fillers(text: str) -> str:
    """'tại cụm loa bản Na Khum,' → 'cụm loa bản Na Khum'."""
    parts = text.strip(" ,;:.-").split()
    while parts and parsing.fold(parts[0]).strip(",;:.") in FILLER:
        parts.pop(0)
    while parts and parsing.fold(parts[-1]).strip(",;:.") in FILLER:
        parts.pop()
    return " ".join(parts).strip(" ,;:.-")


def _read_date(t: _Text, kind: KindInfo, ctx: FieldContext, reading: Reading) -> None:
    date_field = next((f for f in kind.fields if f["type"] == "date"), None)
    if date_field is None:
        return
    found: list[tuple[int, int, date | str]] = []
    view = t.view
    for m in _RELATIVE_RE.finditer(view):
        days = parsing.RELATIVE_DAYS[m.group(1)]
        found.append((m.start(), m.end(), date.fromordinal(ctx.today.toordinal() - days)))
    for m in _DATE_IN_TEXT_RE.finditer(view):
        try:
            day: date | str = parsing.date_from_parts(m.group(1), m.group(2), m.group(3), ctx.today)
        except parsing.ParseError as e:
            day = e.message
        found.append((m.start(), m.end(), day))
    if not found:
        return
    for start, end, _ in found:
        t.take(start, end)
    said = {d for _, _, d in found}
    if len(said) > 1:
        reading.notes.append(T.TWO_DATES)
        return
    day = said.pop()
    if isinstance(day, str):
        reading.notes.append(day)
        return
    outcome = check_date(day, ctx)
    if outcome.done:
        reading.values[date_field["key"]] = outcome.value
    else:
        reading.notes.append(outcome.message)


def _read_forms(t: _Text, kind: KindInfo, reading: Reading) -> None:
    for f in kind.fields:
        if f["type"] not in ("forms", "choice") or not f.get("options"):
            continue
        view = t.view
        mentions = parsing.find_forms(view, f["options"])
        if f["type"] == "choice":
            options = {m.option for m in mentions}
            if len(options) == 1:
                reading.values[f["key"]] = f["options"][options.pop()]
                # The number beside a single form is its quantity, read with the amounts.
                t.take(*_option_span(view, mentions[0]))
            elif not options:
                _read_option_words(t, f, reading)
            continue
        if not mentions:
            continue
        forms: dict[str, int] = {}
        for m in mentions:
            name = f["options"][m.option]
            t.take(m.start, m.end)
            if m.quantity is None:
                reading.notes.append(T.FORM_NEED_QUANTITY.format(form=name.lower()))
                continue
            if not f.get("min", 1) <= m.quantity <= f.get("max", 10**6):
                reading.notes.append(T.NUMBER_TOO_BIG.format(high=f.get("max"), unit=name.lower()))
                continue
            forms[name] = forms.get(name, 0) + m.quantity
        if forms:
            reading.values[f["key"]] = forms


def _read_option_words(t: _Text, f: dict[str, Any], reading: Reading) -> None:
    """An option named by two of its words ("họp chi bộ" for "Sinh hoạt chi bộ"), where no
    other option has those words. The kind's own word may be one of them ("họp thôn")."""
    view = t.folded
    tokens = parsing.words(view)
    option_words = [parsing.words(o) for o in f["options"]]
    for i in range(len(tokens) - 1):
        run = tokens[i : i + 2]
        if all(w in TOPIC_STOP for w in run):
            continue
        hits = [k for k, ow in enumerate(option_words) if parsing.find_phrase(ow, run) >= 0]
        if len(hits) == 1:
            m = _phrase_re(run).search(view)
            if m is not None:
                t.take(m.start(), m.end())
            reading.values[f["key"]] = f["options"][hits[0]]
            return


def _option_span(folded: str, mention: parsing.FormMention) -> tuple[int, int]:
    """The option's own words within a mention (its number stays for the quantity field)."""
    amounts = [a for a in parsing.find_amounts(folded) if mention.start <= a.start < mention.end]
    if not amounts:
        return mention.start, mention.end
    a = amounts[0]
    return (a.end, mention.end) if a.start == mention.start else (mention.start, a.start)


def _read_topics(t: _Text, kind: KindInfo, catalog: Catalog, reading: Reading) -> None:
    f = next((f for f in kind.fields if f["type"] == "topics"), None)
    if f is None:
        return
    codes = catalog.topic_codes
    picked: list[str] = []
    m = _TOPIC_NUMBERS_RE.search(t.view)
    if m:
        t.take(m.start(), m.end())
        try:
            picked += [codes[i] for i in parsing.match_many(m.group(1), codes)]
        except parsing.ParseError as e:
            reading.notes.append(e.message)
    names = {code: parsing.words(name) for code, name in catalog.topics if code != OTHER_TOPIC}
    # Longest runs of words first: "nghi quyet 21" names one topic, "nghi quyet" names three.
    for n in range(6, 1, -1):
        tokens = parsing.words(t.view)
        for i in range(len(tokens) - n + 1):
            run = tokens[i : i + n]
            if all(w in TOPIC_STOP for w in run) or all(w.isdigit() for w in run):
                continue
            hits = [c for c, nw in names.items() if parsing.find_phrase(nw, run) >= 0]
            if len(hits) != 1 or hits[0] in picked:
                continue
            match = _phrase_re(run).search(t.view)
            if match is None:
                continue
            t.take(match.start(), match.end())
            picked.append(hits[0])
    if picked:
        reading.values[f["key"]] = list(dict.fromkeys(picked))


def _read_amounts(t: _Text, kind: KindInfo, reading: Reading) -> None:
    by_unit: dict[str, list[parsing.Amount]] = {}
    for a in parsing.find_amounts(t.view):
        by_unit.setdefault(a.unit, []).append(a)
    int_fields = [f for f in kind.fields if f["type"] == "int"]
    for f in int_fields:
        unit = f.get("unit", "")
        amounts = by_unit.get(unit, []) if unit else []
        if not amounts:
            continue
        for a in amounts:
            t.take(a.start, a.end)
        if len(amounts) > 1:
            reading.notes.append(T.TWO_NUMBERS.format(label=f["label"].lower()))
            continue
        a = amounts[0]
        low, high = f.get("min", 0), f.get("max", 10**6)
        if a.fraction:
            reading.notes.append(T.WHOLE_NUMBER)
        elif not low <= a.value <= high:
            message = (
                T.NUMBER_TOO_BIG.format(high=high, unit=unit)
                if a.value > high
                else (T.NUMBER_TOO_SMALL.format(low=low, unit=unit))
            )
            reading.notes.append(message)
        else:
            reading.values[f["key"]] = a.value
    # A number with a unit the kind has no field for ("3 cái" in a broadcast) is questioned.
    units = {f.get("unit", "") for f in int_fields}
    for unit, amounts in by_unit.items():
        if unit and unit not in units:
            for a in amounts:
                t.take(a.start, a.end)
                reading.notes.append(T.UNIT_NOT_ASKED.format(text=t.folded[a.start : a.end]))
    # A single bare number fills the kind's single numeric field, where there is exactly one.
    bare = by_unit.get("", [])
    empty = [f for f in int_fields if f["key"] not in reading.values]
    if len(bare) == 1 and len(empty) == 1 and len(int_fields) == 1:
        a = bare[0]
        f = empty[0]
        if f.get("min", 0) <= a.value <= f.get("max", 10**6) and not a.fraction:
            t.take(a.start, a.end)
            reading.values[f["key"]] = a.value
