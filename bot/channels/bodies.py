"""Reading a webhook's body: JSON of bounded depth, or None. A body that passed the secret or
signature check but is malformed is a 400 for its sender, never a 500 from us."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # the deepest real update is about 6 levels


def _depth_ok(raw: bytes | str, limit: int) -> bool:
    """Nesting of brackets outside strings stays within `limit` (checked before parsing, so that
    a deep body never reaches the recursive parser)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if text.count("{") + text.count("[") <= limit:
        return True  # the usual body: no need to walk it
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def parse_json(raw: bytes | str, limit: int = MAX_DEPTH) -> Any | None:
    """The decoded body, or None when it is not JSON, too deep, or not UTF-8."""
    if not _depth_ok(raw, limit):
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def as_dict(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else (`"from": "x"`, `"chat": [1]`)."""
    return value if isinstance(value, dict) else {}
