"""What crosses between a chat platform and the engine: plain values, no platform in sight."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Photo:
    """An image already downloaded by the adapter."""

    content: bytes
    mime: str = "image/jpeg"
    as_file: bool = False


@dataclass(frozen=True)
class Document:
    """A file (PDF, DOCX) already downloaded by the adapter, with the name the sender gave it."""

    content: bytes
    name: str
    mime: str = ""


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Incoming:
    channel: str
    external_id: str
    account: str = ""
    text: str | None = None
    choice: str | None = None  # payload of a pressed button
    photo: Photo | None = None
    location: Location | None = None
    document: Document | None = None
    contact_phone: str | None = None  # a phone number the user shared as their own
    unsupported: str | None = None  # sticker, voice, ... : what it was
    message_id: str | None = None  # for deduplication
    display_name: str = ""
    inbox_id: int | None = None  # the inbox row it came from: marked done with the turn

    @property
    def chat_key(self) -> str:
        return f"{self.channel}:{self.account}:{self.external_id}"


@dataclass(frozen=True)
class Choice:
    label: str
    payload: str
    nav: bool = False  # back / cancel: a button, but not numbered on text-only channels


@dataclass
class Reply:
    text: str
    choices: list[Choice] = field(default_factory=list)
    file: Path | None = None
    # True when the reply ends a flow: adapters may show the persistent main menu.
    main_menu: bool = False
    # Slow work (an export) to run after this reply is sent, outside the turn's transaction;
    # the adapter sends what it returns. The reply itself is the "please wait" notice.
    then: Callable[[], Awaitable[list[Reply]]] | None = None
    # The same question again after a mistake: text-only channels leave out the list, which the
    # reporter has just read (buttons stay where a channel has them).
    brief: bool = False

    def numbered(self) -> str:
        """Text with the choices as a numbered list, for channels without buttons."""
        if not self.choices:
            return self.text
        if self.brief:
            return "\n".join(filter(None, [self.text, self.nav_words]))
        lines = [self.text, ""]
        lines += [f"{i}. {c.label}" for i, c in enumerate(self.options, 1)]
        if self.nav_words:
            lines.append(self.nav_words)
        return "\n".join(lines)

    @property
    def options(self) -> list[Choice]:
        return [c for c in self.choices if not c.nav]

    @property
    def nav_words(self) -> str:
        """The navigation choices as words to type, for channels without buttons."""
        words = [c.label.lstrip("«✖ ").strip() for c in self.choices if c.nav]
        return f"(Gõ “{'” hoặc “'.join(w.lower() for w in words)}”)" if words else ""
