"""Linking a chat to a member of the roster: an invite code, or a shared phone number.

Strangers get a short explanation; nothing is stored about them but their attempts (to slow down
anyone guessing codes)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from handlers import texts as T
from handlers.messages import Incoming
from handlers.parsing import INVITE_ALPHABET, looks_like_code, normalize_code, normalize_phone
from models import Identity, InviteCode, Member, RegistrationAttempt

CODE_LENGTH = 8
MAX_FAILED_PER_DAY = 10


@dataclass
class Outcome:
    identity: Identity | None
    message: str


async def register(inc: Incoming, now: datetime) -> Outcome:
    text = (inc.text or "").strip()
    if text.lower().startswith("/start"):
        text = text[6:].strip()
    tried_code = bool(text) and (looks_like_code(text) or _looks_like_attempt(text))
    if not tried_code and not inc.contact_phone:
        hint = (
            T.STRANGER if inc.channel != "telegram" else T.STRANGER + "\n" + T.STRANGER_PHONE_HINT
        )
        return Outcome(None, hint)
    key: dict[str, Any] = {
        "channel": inc.channel,
        "account": inc.account,
        "external_id": inc.external_id,
    }
    failed = await RegistrationAttempt.filter(
        **key, ok=False, at__gte=now - timedelta(days=1)
    ).count()
    if failed >= MAX_FAILED_PER_DAY:
        return Outcome(None, T.TOO_MANY_ATTEMPTS)

    member: Member | None = None
    invite: InviteCode | None = None
    if inc.contact_phone:
        phone = normalize_phone(inc.contact_phone)
        if phone:
            member = await Member.filter(phone=phone, active=True).first()
        failure = T.PHONE_NOT_FOUND
    else:
        invite = (
            await InviteCode.filter(code=normalize_code(text), used_at=None, expires_at__gt=now)
            .select_related("member")
            .first()
        )
        member = invite.member if invite and invite.member.active else None
        failure = T.BAD_INVITE.format(code=text[:16])
    if member is None:
        await RegistrationAttempt.create(**key, ok=False)
        return Outcome(None, failure)
    if invite is not None:
        # Single use even when two chats send the same code at once: only one update wins.
        taken = await InviteCode.filter(id=invite.id, used_at=None).update(used_at=now)
        if not taken:
            await RegistrationAttempt.create(**key, ok=False)
            return Outcome(None, T.BAD_INVITE.format(code=text[:16]))
    identity = await Identity.create(**key, member=member, display_name=inc.display_name[:120])
    if invite is not None:
        await InviteCode.filter(id=invite.id).update(used_by_id=identity.id)
    await RegistrationAttempt.create(**key, ok=True)
    await member.fetch_related("unit")
    return Outcome(
        identity,
        T.WELCOME.format(
            name=member.name, role=T.ROLE_NAMES[member.role.value], unit=member.unit.name
        ),
    )


def _looks_like_attempt(text: str) -> bool:
    """One word of letters and digits, with a digit or in capitals ("ABC1234", "K7QX"): a code
    typed wrong, to be told so, where "xin chào" is a greeting."""
    return bool(re.fullmatch(r"[A-Za-z0-9\-]{4,16}", text)) and (
        any(ch.isdigit() for ch in text) or text.isupper()
    )


def new_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(CODE_LENGTH))


async def issue_invite(member: Member, now: datetime, ttl_days: int) -> InviteCode:
    """A fresh single-use code for `member`; earlier unused codes of theirs stop working."""
    await InviteCode.filter(member=member, used_at=None).update(expires_at=now)
    while True:
        code = new_code()
        if not await InviteCode.exists(code=code):
            return await InviteCode.create(
                code=code, member=member, expires_at=now + timedelta(days=ttl_days)
            )


async def link_identity(
    member: Member, channel: str, external_id: str, account: str = ""
) -> Identity:
    """Link a chat to a member directly (the console, run by someone with database access)."""
    identity, _ = await Identity.get_or_create(
        channel=channel, account=account, external_id=external_id, defaults={"member": member}
    )
    return identity
