"""Text is clean before anything stores it: characters no database or document can hold (lone
surrogates, NUL and other control characters, the XML non-characters U+FFFE/U+FFFF) are removed
at the engine's door, whatever channel the text came from."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from handlers.messages import Incoming

# Tab, line feed and carriage return stay; every other C0/C1 control goes, with DEL.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    return UNSTORABLE.sub("", text) if UNSTORABLE.search(text) else text


def clean_incoming(inc: Incoming) -> Incoming:
    """The same message with every text in it cleaned (the same object when nothing changes)."""
    changes: dict[str, Any] = {
        name: clean_text(value)
        for name in ("text", "choice", "contact_phone", "message_id", "display_name", "external_id")
        if isinstance(value := getattr(inc, name), str) and UNSTORABLE.search(value)
    }
    return replace(inc, **changes) if changes else inc
