"""One turn of a conversation: who speaks, the state loaded for them, and the replies so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from handlers import texts as T
from handlers.catalog import Catalog
from handlers.fields import FieldContext, Question
from handlers.messages import Choice, Incoming, Reply
from models import Identity, Member, Unit
from models.periods import ReportRules

BACK = "__back"
CANCEL = "__cancel"


@dataclass
class Turn:
    inc: Incoming
    identity: Identity
    member: Member
    unit: Unit
    now: datetime
    today: date
    catalog: Catalog
    rules: ReportRules
    media_dir: Path
    flow: str | None
    step: str | None
    state: dict[str, Any]
    version: int  # the state version this turn saves; buttons it sends carry it
    replies: list[Reply] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    finished: bool = False  # the flow ended: the engine shows the main menu next

    @property
    def fctx(self) -> FieldContext:
        return FieldContext(self.today, self.catalog, self.rules, self.state.get("first", []))

    def say(self, text: str) -> None:
        """A line to send before the next question (kept in the same message)."""
        self.notes.append(text)

    def goto(self, flow: str | None, step: str | None, state: dict[str, Any] | None = None) -> None:
        self.flow, self.step = flow, step
        if state is not None:
            self.state = state

    def finish(self, note: str | None = None) -> None:
        if note:
            self.say(note)
        self.goto(None, None, {})
        self.finished = True

    def ask(self, q: Question, *, nav: bool = True, main_menu: bool = False) -> None:
        choices = list(q.choices)
        if nav:
            choices += [(BACK, T.BACK), (CANCEL, T.CANCEL)]
        self.state["q"] = {
            "text": q.text,
            "c": choices,
            "free": q.free,
            "multi": q.multi,
            "menu": main_menu,
            "n": len(q.choices),
            "num": q.numeric,
        }
        self._emit(q.text, choices, main_menu)

    def reask(self) -> None:
        q = self.state.get("q")
        if not q:
            return
        self._emit(q["text"], q["c"], q.get("menu", False))

    def _emit(self, text: str, choices: list[Any], main_menu: bool) -> None:
        body = "\n\n".join([*self.notes, text]) if self.notes else text
        self.notes = []
        self.replies.append(
            Reply(
                text=body,
                choices=[
                    Choice(label, f"{self.version}:{i}", nav=value in (BACK, CANCEL))
                    for i, (value, label) in enumerate(choices)
                ],
                main_menu=main_menu,
            )
        )

    def flush(self) -> None:
        if self.notes:
            self.replies.append(Reply("\n\n".join(self.notes)))
            self.notes = []

    @property
    def question(self) -> dict[str, Any] | None:
        return self.state.get("q")
