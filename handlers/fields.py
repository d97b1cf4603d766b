"""How each field type of an activity kind is asked, read and shown.

A kind's fields are data (ActivityKind.fields_spec): {"key", "label", "type", "prompt", "optional",
"min", "max", "unit", "options", "max_length"}; the types are date, int, choice, forms (several
options, each with its quantity), topics, text, place (a text, or a location pin sent from the
phone), photos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from handlers import parsing
from handlers import texts as T
from handlers.catalog import Catalog
from models.periods import ReportRules, bounds_for

SKIP = "__skip"
DONE = "__done"
MORE = "__more"
OTHER_TOPIC = "khac"  # the catalogue's "other" topic: asks what it was
TOPIC_PAGE = 5  # topics shown at once: a list a small screen shows whole
TOPIC_LABEL_MAX = 30
Field = dict[str, Any]
DONE_WORDS = {"xong", "het", "ok", "roi", "du roi", "xong roi"}


@dataclass
class Question:
    text: str
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    free: bool = True  # typed text is read by the field's parser when it matches no choice
    multi: bool = False  # typed text may name several choices at once
    numeric: bool = False  # a typed number is the answer, never a choice's number


@dataclass
class FieldContext:
    today: date
    catalog: Catalog
    rules: ReportRules
    topic_page: int = 0
    first_topics: tuple[str, ...] = ()  # the unit's recent and the current focus topics


@dataclass
class Outcome:
    """What an answer did: `done` moves on; otherwise the same field is asked again, after
    `message` (an error or a note such as "photo received"). `follow` names a question that
    must come first (the quantity of a form just picked, what the "other" topic was)."""

    done: bool
    value: Any = None
    message: str = ""
    follow: str = ""


def is_asked_at_summary(f: Field) -> bool:
    """Notes and photos are offered once, with the summary, never as steps of their own."""
    return bool(f.get("optional")) and f["type"] in ("text", "photos")


def short(label: str, limit: int = TOPIC_LABEL_MAX) -> str:
    """A label cut at a word boundary, so a list of five fits a small screen."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;-")
    return cut + "…"


def topic_pages(ctx: FieldContext) -> list[list[str]]:
    """The topics in pages of TOPIC_PAGE: the first page the unit's recent and focus topics,
    then the rest of the catalogue in its order."""
    codes = ctx.catalog.topic_codes
    first = [c for c in dict.fromkeys(ctx.first_topics) if c in codes]
    first += [c for c in codes if c not in first and c != OTHER_TOPIC]
    first = first[:TOPIC_PAGE]
    rest = [c for c in codes if c not in first]
    return [first] + [rest[i : i + TOPIC_PAGE] for i in range(0, len(rest), TOPIC_PAGE)]


def topic_label(code: str, catalog: Catalog) -> str:
    return T.OTHER_TOPIC if code == OTHER_TOPIC else short(catalog.topic_name(code))


def ask(f: Field, current: Any, ctx: FieldContext) -> Question:
    prompt = f.get("prompt") or f["label"]
    if f.get("optional"):
        prompt += T.OPTIONAL_HINT
    kind = f["type"]
    if kind == "date":
        return Question(prompt, [("d:0", T.TODAY), ("d:1", T.YESTERDAY)])
    if kind == "choice":
        return Question(prompt, [(f"o:{i}", o) for i, o in enumerate(f["options"])], free=False)
    if kind == "forms":
        choices = [(f"o:{i}", o) for i, o in enumerate(f["options"])]
        if current:
            prompt = T.FORMS_PICKED.format(forms=show_forms(current)) + "\n" + prompt
            choices.append((DONE, T.DONE))
        return Question(prompt, choices, multi=True)
    if kind == "topics":
        picked = current or []
        pages = topic_pages(ctx)
        page = pages[ctx.topic_page % len(pages)]
        labels = [
            (f"t:{code}", ("✔ " if code in picked else "") + topic_label(code, ctx.catalog))
            for code in page
        ]
        if len(pages) > 1:
            labels.append((MORE, T.MORE_TOPICS))
        text = prompt + "\n" + T.TOPICS_HINT
        if picked:
            names = "; ".join(short(ctx.catalog.topic_name(c), 24) for c in picked)
            text = T.TOPICS_PICKED.format(topics=names) + "\n" + prompt
            labels.append((DONE, T.DONE))
        return Question(text, labels, multi=True)
    if kind == "photos":
        choices = [(DONE, T.DONE)] if current else [(SKIP, T.SKIP)]
        return Question(prompt + "\n" + T.PHOTOS_HINT, choices)
    if kind == "place":
        prompt += "\n" + T.PLACE_HINT
    choices = [(SKIP, T.SKIP)] if f.get("optional") else []
    return Question(prompt, choices, numeric=kind == "int")


def answer_choice(f: Field, value: str, current: Any, ctx: FieldContext) -> Outcome:
    """A pressed button or a typed answer that matched one of the offered choices."""
    if value == SKIP:
        return Outcome(True, [] if f["type"] == "photos" else None)
    if value == DONE:
        return Outcome(True, current or ([] if f["type"] != "forms" else {}))
    if value.startswith("d:") and parsing.is_int_text(value[2:], 2):
        return check_date(ctx.today.fromordinal(ctx.today.toordinal() - int(value[2:])), ctx)
    index = value[2:]
    if value.startswith("o:") and parsing.is_int_text(index, 3):
        if int(index) < len(f.get("options", [])):
            option = f["options"][int(index)]
            if f["type"] == "forms":
                return Outcome(False, current, follow=option)
            return Outcome(True, option)
    if value.startswith("t:") and value[2:] in ctx.catalog.topic_codes:
        code = value[2:]
        picked = list(current or [])
        if code in picked:
            picked.remove(code)
        else:
            picked.append(code)
        follow = OTHER_TOPIC if code == OTHER_TOPIC and code in picked else ""
        return Outcome(False, picked, follow=follow)
    return Outcome(False, current, T.NOT_A_CHOICE)


def answer_text(f: Field, text: str, current: Any, ctx: FieldContext) -> Outcome:
    kind = f["type"]
    try:
        if kind == "date":
            return check_date(parsing.parse_date(text, ctx.today), ctx)
        if kind == "int":
            if f.get("optional") and parsing.is_skip(text):
                return Outcome(True, None)
            return Outcome(True, parse_number(f, text))
        if kind in ("topics", "forms") and parsing.fold(text) in DONE_WORDS:
            if current:
                return Outcome(True, current)
            return Outcome(False, current, T.PICK_SOMETHING)
        if kind == "topics":
            return _answer_topics(text, current, ctx)
        if kind == "forms":
            found = parsing.parse_forms(text, f["options"], f.get("min", 1), f.get("max", 10**6))
            return Outcome(True, {**(current or {}), **found})
        if kind == "photos":
            if parsing.fold(text) in DONE_WORDS or parsing.is_skip(text):
                return Outcome(True, current or [])
            return Outcome(False, current, T.PHOTO_ONLY)
        if kind == "choice":
            return Outcome(False, current, T.NOT_A_CHOICE)
        if parsing.is_skip(text):
            if f.get("optional"):
                return Outcome(True, None)
            return Outcome(False, current, T.REQUIRED)
        limit = min(f.get("max_length", ctx.rules.max_text_length), ctx.rules.max_text_length)
        return Outcome(True, parsing.clean_text(text, limit))
    except parsing.ParseError as e:
        return Outcome(False, current, e.message)


def parse_number(f: Field, text: str) -> int:
    return parsing.parse_int(text, f.get("min", 0), f.get("max", 10**6), f.get("unit", ""))


def _answer_topics(text: str, current: Any, ctx: FieldContext) -> Outcome:
    """Numbers pick from the page on screen; words pick from the whole catalogue. What is
    picked is added to what was picked before (after going back, say)."""
    picked = list(current or [])
    if parsing.words(text) and all(w.isdigit() for w in parsing.words(text)):
        pages = topic_pages(ctx)
        page = pages[ctx.topic_page % len(pages)]
        new = [page[i] for i in parsing.match_many(text, page)]
    else:
        codes = ctx.catalog.topic_codes
        names = [T.OTHER_TOPIC if c == OTHER_TOPIC else n for c, n in ctx.catalog.topics]
        new = [codes[i] for i in parsing.match_many(text, names)]
    picked += [c for c in new if c not in picked]
    if OTHER_TOPIC in new:
        return Outcome(False, picked, follow=OTHER_TOPIC)
    return Outcome(True, picked)


def answer_location(f: Field, latitude: float, longitude: float, current: Any) -> Outcome:
    """A location pin, for a `place` field: kept as {"lat", "lon"}, rounded to about 10 cm."""
    if f["type"] != "place":
        return Outcome(False, current, T.LOCATION_NOT_NOW)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude, longitude) == (0, 0):
        return Outcome(False, current, T.BAD_LOCATION)
    return Outcome(True, {"lat": round(latitude, 6), "lon": round(longitude, 6)}, T.PLACE_RECEIVED)


def show_location(value: dict[str, Any]) -> str:
    return f"📍 {value['lat']:.5f}, {value['lon']:.5f}"


def show_forms(value: dict[str, Any]) -> str:
    return ", ".join(f"{n} {name.lower()}" for name, n in value.items())


def check_date(d: date, ctx: FieldContext) -> Outcome:
    if d > ctx.today:
        return Outcome(False, None, T.FUTURE_DATE.format(today=T.fmt_date(ctx.today)))
    b = bounds_for(d, ctx.rules)
    if ctx.today > b.locks_on:
        return Outcome(
            False,
            None,
            T.LOCKED_PERIOD.format(
                period=T.period_label(b.start, b.end), locked=T.fmt_date(b.locks_on)
            ),
        )
    return Outcome(True, d.isoformat())


def show(f: Field, value: Any, catalog: Catalog, *, brief: bool = False) -> str:
    """A value as the reporter reads it; `brief` keeps a summary within one small screen."""
    if value is None or value == [] or value == "" or value == {}:
        return "—"
    kind = f["type"]
    if kind == "date":
        return T.fmt_date(date.fromisoformat(value))
    if kind == "int":
        return f"{value} {f.get('unit', '')}".strip()
    if kind == "forms" and isinstance(value, dict):
        return show_forms(value)
    if kind == "topics":
        names = [catalog.topic_name(c) for c in value]
        if brief:
            names = [short(n, 24) for n in names[:2]] + ([f"+{len(names) - 2}"] * (len(names) > 2))
        return "; ".join(names)
    if kind == "photos":
        return str(len(value)) if brief else f"{len(value)} ảnh"
    if isinstance(value, dict) and "lat" in value:
        return show_location(value)
    text = str(value)
    return short(text, 30) if brief else text


def missing_required(fields: list[Field], values: dict[str, Any]) -> list[Field]:
    return [
        f for f in fields if not f.get("optional") and values.get(f["key"]) in (None, "", [], {})
    ]
