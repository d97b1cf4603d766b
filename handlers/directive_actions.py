"""What can be done with a directive or a notice, as functions that the chat flow
(handlers/directives.py), the command line and the Excel import all call: create, edit, withdraw,
deliver through the outbox, acknowledge, remind those who have not acknowledged.

Delivery writes one outbox row per member under the key directive:<id>:<member> (a reminder:
dirremind:<id>:<date>:<member>; a notice: notice:<id>:<member>): a second write of the same key is
impossible, so a second process, a restart or a repeated command sends nothing twice. The sender
(bot/sender.py) holds rows through quiet hours, paces them and falls back across channels."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tortoise.expressions import Q

from handlers import texts as T
from handlers import texts_directives as D
from handlers.directive_input import NOTICE_MAX, TITLE_MAX, DirectiveError, clean
from models import (
    Directive,
    DirectiveAck,
    DirectiveTopic,
    Media,
    Member,
    Notice,
    Outbox,
    OutboxStatus,
    Topic,
    Unit,
)
from models.directives import (
    SUMMARY_MAX,
    delivery_key,
    existing_keys,
    subtree_recipients,
    tie_activity,
)
from models.periods import vn_today


@dataclass
class Draft:
    number: str
    issued_on: date
    title: str
    summary: str
    starts_on: date
    ends_on: date
    topics: list[str] = field(default_factory=list)  # catalogue codes
    new_topics: list[str] = field(default_factory=list)  # names of topics to create
    media_id: int | None = None
    file_name: str = ""


# -- directives ------------------------------------------------------------------------------


async def _topic_codes(draft: Draft) -> list[int]:
    """Topic ids of the draft, creating its new topics in the catalogue."""
    ids: list[int] = []
    for code in draft.topics:
        topic = await Topic.get_or_none(code=code)
        if topic is not None and topic.id not in ids:
            ids.append(topic.id)
    last = await Topic.all().order_by("-position").first()
    position = (last.position if last else 0) + 1
    for name in draft.new_topics:
        topic = next(iter(await Topic.filter(name=name).limit(1)), None)
        if topic is None:
            topic = await Topic.create(
                code=f"t{position:03d}_{hashlib.sha1(name.encode()).hexdigest()[:6]}",
                name=name,
                position=position,
            )
            position += 1
        if topic.id not in ids:
            ids.append(topic.id)
    return ids


async def create_directive(issuer: Unit, member: Member | None, draft: Draft) -> Directive:
    if await Directive.exists(number=draft.number):
        raise DirectiveError(D.NUMBER_TAKEN.format(number=draft.number))
    if len(draft.summary) > SUMMARY_MAX:
        raise DirectiveError(T.TEXT_TOO_LONG.format(length=len(draft.summary), max=SUMMARY_MAX))
    topic_ids = await _topic_codes(draft)
    if not topic_ids:
        raise DirectiveError(D.NO_TOPICS)
    directive = await Directive.create(
        unit_id=issuer.id,
        number=draft.number,
        issued_on=draft.issued_on,
        title=draft.title,
        summary=draft.summary,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        file_id=draft.media_id,
        file_name=draft.file_name,
        created_by_id=member.id if member else None,
    )
    await DirectiveTopic.bulk_create(
        [
            DirectiveTopic(directive_id=directive.id, topic_id=t, position=i)
            for i, t in enumerate(topic_ids)
        ]
    )
    return directive


async def file_payload(file_id: int | None, file_name: str) -> dict[str, Any]:
    media = await Media.get_or_none(id=file_id) if file_id else None
    return {"file": media.path, "file_name": file_name} if media else {}


async def directive_parts(directive: Directive) -> list[str]:
    issuer = await Unit.get(id=directive.unit_id)
    header = D.HEADER.format(
        issuer=issuer.name[:50],
        number=directive.number,
        issued=T.fmt_date(directive.issued_on),
        title=directive.title,
        start=T.fmt_date(directive.starts_on),
        end=T.fmt_date(directive.ends_on),
    )
    return [header, directive.summary] if directive.summary else [header]


async def deliver_directive(directive: Directive, now: datetime) -> int:
    """Write an outbox row for every member of the subtree who has none yet; how many were new.
    Run again (the sweep does), it reaches members who joined since, and no one twice."""
    if directive.withdrawn_at is not None or directive.ends_on < vn_today(now):
        return 0
    issuer = await Unit.get(id=directive.unit_id)
    members = await subtree_recipients(issuer)
    keys = {m: delivery_key(directive.id, m) for m in members}
    existing = await existing_keys(list(keys.values()))
    fresh = [m for m in members if keys[m] not in existing]
    if not fresh:
        return 0
    payload = {
        "directive": directive.id,
        "before": await directive_parts(directive),
        **await file_payload(directive.file_id, directive.file_name),
    }
    await Outbox.bulk_create(
        [
            Outbox(
                key=keys[m],
                member_id=m,
                category="directive",
                text=D.ACK_ASK,
                payload=payload,
                not_before=now,
            )
            for m in fresh
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(fresh)


async def deliver_running(now: datetime) -> int:
    """For the daily sweep: running directives reach the members who joined since."""
    today = vn_today(now)
    total = 0
    for d in await Directive.filter(withdrawn_at=None, ends_on__gte=today):
        total += await deliver_directive(d, now)
    return total


async def edit_window(directive: Directive, start: date, end: date) -> None:
    if end < start:
        raise DirectiveError(D.WINDOW_ORDER)
    await Directive.filter(id=directive.id).update(starts_on=start, ends_on=end)
    directive.starts_on, directive.ends_on = start, end


async def edit_directive(directive: Directive, **changes: Any) -> None:
    """Title, summary, window, file: checked as at creation."""
    if "title" in changes:
        changes["title"] = clean(changes["title"], TITLE_MAX)
    if "summary" in changes:
        changes["summary"] = clean(changes["summary"], SUMMARY_MAX)
    start = changes.get("starts_on", directive.starts_on)
    end = changes.get("ends_on", directive.ends_on)
    if end < start:
        raise DirectiveError(D.WINDOW_ORDER)
    if changes:
        await Directive.filter(id=directive.id).update(**changes)
        for k, v in changes.items():
            setattr(directive, k, v)


async def withdraw(directive: Directive, now: datetime) -> int:
    """Withdrawn: not shown first to reporters, nothing more sent; what it has stays. The
    number of queued messages cancelled."""
    await Directive.filter(id=directive.id, withdrawn_at=None).update(withdrawn_at=now)
    directive.withdrawn_at = now
    return await Outbox.filter(
        Q(key__startswith=f"directive:{directive.id}:")
        | Q(key__startswith=f"dirremind:{directive.id}:"),
        status=OutboxStatus.PENDING,
    ).update(status=OutboxStatus.CANCELLED, last_error="đã thu hồi")


async def record_ack(directive_id: int, member_id: int, now: datetime, channel: str) -> bool:
    """True when this is the member's first acknowledgement of the directive."""
    _, created = await DirectiveAck.get_or_create(
        directive_id=directive_id, member_id=member_id, defaults={"at": now, "channel": channel}
    )
    return created


async def latest_unacked(member_id: int) -> Directive | None:
    """The newest directive sent to the member that they have not acknowledged."""
    rows = await Outbox.filter(
        member_id=member_id, key__startswith="directive:", status=OutboxStatus.SENT
    ).values_list("key", flat=True)
    ids = sorted({int(str(k).split(":")[1]) for k in rows}, reverse=True)
    if not ids:
        return None
    acked = set(
        await DirectiveAck.filter(member_id=member_id, directive_id__in=ids).values_list(
            "directive_id", flat=True
        )
    )
    for i in ids:
        if i not in acked:
            d = await Directive.get_or_none(id=i, withdrawn_at=None)
            if d is not None:
                return d
    return None


async def remind_unacked(directive: Directive, now: datetime) -> int:
    """A reminder to each addressee who has not acknowledged, at most one a day each."""
    if directive.withdrawn_at is not None:
        return 0
    addressed = set(
        await Outbox.filter(key__startswith=f"directive:{directive.id}:").values_list(
            "member_id", flat=True
        )
    )
    acked = set(
        await DirectiveAck.filter(directive_id=directive.id).values_list("member_id", flat=True)
    )
    waiting = sorted(addressed - acked)
    day = vn_today(now).strftime("%Y%m%d")
    keys = {m: f"dirremind:{directive.id}:{day}:{m}" for m in waiting}
    existing = set(await Outbox.filter(key__in=list(keys.values())).values_list("key", flat=True))
    fresh = [m for m in waiting if keys[m] not in existing]
    text = D.REMIND_ACK.format(number=directive.number, title=directive.title[:100])
    payload = {"directive": directive.id, "reminder": True, "before": [text]}
    await Outbox.bulk_create(
        [
            Outbox(
                key=keys[m],
                member_id=m,
                category="directive",
                text=D.ACK_ASK,
                payload=payload,
                not_before=now,
            )
            for m in fresh
        ],
        ignore_conflicts=True,
    )
    return len(fresh)


async def tie_report(
    activity_id: int,
    unit: Unit,
    activity_date: date,
    kind_fields: list[dict[str, Any]],
    values: dict[str, Any],
) -> list[int]:
    """The report save path's one call: tie the report to the directives its topics answer."""
    codes = [
        c for f in kind_fields if f.get("type") == "topics" for c in values.get(f["key"]) or []
    ]
    return await tie_activity(activity_id, unit, activity_date, codes)


# -- notices ---------------------------------------------------------------------------------


async def send_notice(
    issuer: Unit,
    member: Member | None,
    text: str,
    now: datetime,
    media_id: int | None = None,
    file_name: str = "",
) -> tuple[Notice, int]:
    body = clean(text, NOTICE_MAX)
    notice = await Notice.create(
        unit_id=issuer.id,
        text=body,
        file_id=media_id,
        file_name=file_name,
        created_by_id=member.id if member else None,
    )
    members = await subtree_recipients(issuer)
    message = D.NOTICE_HEADER.format(issuer=issuer.name[:40], text=body)
    payload = await file_payload(media_id, file_name)
    await Outbox.bulk_create(
        [
            Outbox(
                key=f"notice:{notice.id}:{m}",
                member_id=m,
                category="notice",
                text=message,
                payload=payload,
                not_before=now,
            )
            for m in members
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return notice, len(members)
