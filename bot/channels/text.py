"""Cutting a long reply into messages a platform accepts (Telegram 4096, Zalo 2000 characters)."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    """Telegram counts UTF-16 units; whether Zalo counts those or code points is not documented,
    so the larger count serves both."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Cut at line breaks, else at spaces, else anywhere, so each part fits `limit`; a break
    that would leave a part shorter than half the limit is passed over for a later one."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        fit, units = 0, 0
        for ch in rest:
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > limit:
                break
            fit += 1
        cut = rest.rfind("\n", 0, fit + 1)
        if cut < fit // 2:
            cut = rest.rfind(" ", 0, fit + 1)
        if cut < fit // 2:
            cut = fit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    parts.append(rest)
    return [p for p in parts if p.strip()] or [text]
