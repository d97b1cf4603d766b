"""How each field type of an activity kind is asked, read and shown.

A kind's fields are data (ActivityKind.fields_spec): {"key", "label", "type", "prompt", "optional",
"min", "max", "unit", "options", "max_length"}; the types are date, int, choice, topics, text,
place (a text, or a location pin sent from the phone), photos."""

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
Field = dict[str, Any]
DONE_WORDS = {"xong", "bo qua", "khong", "khong co", "het", "ok", "roi"}


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
    first_topics: list[str] = field(default_factory=list)  # a running directive's topic codes

    @property
    def topics(self) -> list[tuple[str, str]]:
        """The catalogue's topics, those of the directives running for the unit first."""
        first = [t for code in self.first_topics for t in self.catalog.topics if t[0] == code]
        return first + [t for t in self.catalog.topics if t not in first]


@dataclass
class Outcome:
    """What an answer did: `done` moves on; otherwise the same field is asked again, after
    `message` (an error or a note such as "photo received")."""

    done: bool
    value: Any = None
    message: str = ""


def ask(f: Field, current: Any, ctx: FieldContext) -> Question:
    prompt = f.get("prompt") or f["label"]
    if f.get("optional"):
        prompt += T.OPTIONAL_HINT
    kind = f["type"]
    if kind == "date":
        return Question(prompt, [("d:0", T.TODAY), ("d:1", T.YESTERDAY)])
    if kind == "choice":
        return Question(prompt, [(f"o:{i}", o) for i, o in enumerate(f["options"])], free=False)
    if kind == "topics":
        picked = current or []
        labels = [
            (f"t:{code}", ("✔ " if code in picked else "") + name) for code, name in ctx.topics
        ]
        text = prompt + "\n" + T.TOPICS_HINT
        if picked:
            names = ", ".join(ctx.catalog.topic_name(c) for c in picked)
            text = T.TOPICS_PICKED.format(topics=names) + "\n" + text
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
        return Outcome(True, current or [])
    if value.startswith("d:"):
        return _check_date(ctx.today.fromordinal(ctx.today.toordinal() - int(value[2:])), ctx)
    if value.startswith("o:"):
        return Outcome(True, f["options"][int(value[2:])])
    if value.startswith("t:"):
        code = value[2:]
        picked = list(current or [])
        if code in picked:
            picked.remove(code)
        else:
            picked.append(code)
        return Outcome(False, picked)
    return Outcome(False, current, T.NOT_A_CHOICE)


def answer_text(f: Field, text: str, current: Any, ctx: FieldContext) -> Outcome:
    kind = f["type"]
    try:
        if kind == "date":
            return _check_date(parsing.parse_date(text, ctx.today), ctx)
        if kind == "int":
            return Outcome(
                True,
                parsing.parse_int(text, f.get("min", 0), f.get("max", 10**6), f.get("unit", "")),
            )
        if kind == "topics":
            names = [name for _, name in ctx.topics]
            picked = parsing.match_many(text, names)
            return Outcome(True, [ctx.topics[i][0] for i in picked])
        if kind == "photos":
            if parsing.fold(text) in DONE_WORDS:
                return Outcome(True, current or [])
            return Outcome(False, current, T.PHOTO_ONLY)
        if kind == "choice":
            return Outcome(False, current, T.NOT_A_CHOICE)
        limit = min(f.get("max_length", ctx.rules.max_text_length), ctx.rules.max_text_length)
        return Outcome(True, parsing.clean_text(text, limit))
    except parsing.ParseError as e:
        return Outcome(False, current, e.message)


def answer_location(f: Field, latitude: float, longitude: float, current: Any) -> Outcome:
    """A location pin, for a `place` field: kept as {"lat", "lon"}, rounded to about 10 cm."""
    if f["type"] != "place":
        return Outcome(False, current, T.LOCATION_NOT_NOW)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude, longitude) == (0, 0):
        return Outcome(False, current, T.BAD_LOCATION)
    return Outcome(True, {"lat": round(latitude, 6), "lon": round(longitude, 6)}, T.PLACE_RECEIVED)


def show_location(value: dict[str, Any]) -> str:
    return f"📍 {value['lat']:.5f}, {value['lon']:.5f}"


def _check_date(d: date, ctx: FieldContext) -> Outcome:
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


def show(f: Field, value: Any, catalog: Catalog) -> str:
    if value is None or value == [] or value == "":
        return "—"
    kind = f["type"]
    if kind == "date":
        return T.fmt_date(date.fromisoformat(value))
    if kind == "int":
        return f"{value} {f.get('unit', '')}".strip()
    if kind == "topics":
        return "; ".join(catalog.topic_name(c) for c in value)
    if kind == "photos":
        return f"{len(value)} ảnh"
    if isinstance(value, dict) and "lat" in value:
        return show_location(value)
    return str(value)


def missing_required(fields: list[Field], values: dict[str, Any]) -> list[Field]:
    return [f for f in fields if not f.get("optional") and values.get(f["key"]) in (None, "", [])]
