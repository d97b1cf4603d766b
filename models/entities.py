"""The tables. Every datetime is stored in UTC (Tortoise use_tz); dates of activities are plain dates
as the reporter gave them, in Vietnam's calendar."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    REPORTER = "reporter"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


# A node of the party organisation tree, of any depth (tỉnh ủy → đảng ủy xã → chi bộ).
class Unit(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    level = fields.CharField(max_length=60, default="")
    parent: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    # Materialised path "/1/4/17/": a subtree is one indexed prefix match.
    path = fields.CharField(max_length=512, default="/", db_index=True)
    depth = fields.SmallIntField(default=0)
    reports = fields.BooleanField(default=True)
    # Where a cell's work usually happens ("bản Nà Khum"): the place a report takes unless the
    # reporter says otherwise.
    locality = fields.CharField(max_length=200, default="", db_default="")
    active = fields.BooleanField(default=True)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    parent_id: int | None

    class Meta:
        table = "units"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Member(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    phone = fields.CharField(max_length=20, null=True, unique=True)
    role = fields.CharEnumField(Role, max_length=16, default=Role.REPORTER)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="members", on_delete=fields.RESTRICT
    )
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    unit_id: int

    class Meta:
        table = "members"

    def __str__(self) -> str:
        return self.name


# One chat endpoint of a member (a Telegram user, a Zalo user of one bot, a console user).
#
# The conversation state lives on this row: a conversation is per chat endpoint, and one indexed
# read then gives the engine the member, the unit and the state of a turn.
class Identity(Model):
    id = fields.IntField(primary_key=True)
    channel = fields.CharField(max_length=16)
    account = fields.CharField(max_length=64, default="")
    external_id = fields.CharField(max_length=64)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="identities", on_delete=fields.CASCADE
    )
    display_name = fields.CharField(max_length=120, default="")
    blocked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    flow = fields.CharField(max_length=32, null=True)
    step = fields.CharField(max_length=32, null=True)
    state: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    state_version = fields.IntField(default=0)
    state_updated_at = fields.DatetimeField(null=True)
    # The platform ids of the chat's last messages: a repeated update is recognised in the read
    # every turn makes anyway, and the list never grows past RECENT_MESSAGES.
    recent_messages: fields.Field[list[str]] = fields.JSONField(default=list, db_default=[])
    # When the user last wrote or acted (followed, pressed) on this chat: a Zalo OA may message
    # them freely for 48 hours after it, paid up to 7 days, then not at all.
    last_seen_at = fields.DatetimeField(null=True)
    member_id: int

    class Meta:
        table = "identities"
        unique_together = (("channel", "account", "external_id"),)


# What a stranger tried; the only thing stored about someone not on the roster.
class RegistrationAttempt(Model):
    id = fields.IntField(primary_key=True)
    channel = fields.CharField(max_length=16)
    account = fields.CharField(max_length=64, default="")
    external_id = fields.CharField(max_length=64)
    ok = fields.BooleanField(default=False)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "registration_attempts"
        indexes = (("channel", "account", "external_id", "at"),)


class InviteCode(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="invites", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    used_by: fields.ForeignKeyNullableRelation[Identity] = fields.ForeignKeyField(
        "models.Identity", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "invite_codes"


# A kind of propaganda work and the fields its report asks for, held as data so that an
# admin adds a kind without code.
class ActivityKind(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=120)
    fields_spec: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    # Short words a reporter may use for the kind in a one-line report ("pt", "loa").
    aliases: fields.Field[list[str]] = fields.JSONField(default=list, db_default=[])
    position = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "activity_kinds"
        ordering = ["position", "id"]


class Topic(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    position = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "topics"
        ordering = ["position", "id"]


# A reporting period. Deadline and lock are copied in when the period is first needed, so
# a later change of settings never rewrites the past.
class Period(Model):
    id = fields.IntField(primary_key=True)
    start = fields.DateField()
    end = fields.DateField()
    deadline = fields.DateField()
    locks_on = fields.DateField()

    class Meta:
        table = "periods"
        unique_together = (("start", "end"),)
        ordering = ["start"]


class Activity(Model):
    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="activities", on_delete=fields.RESTRICT
    )
    kind: fields.ForeignKeyRelation[ActivityKind] = fields.ForeignKeyField(
        "models.ActivityKind", related_name="activities", on_delete=fields.RESTRICT
    )
    period: fields.ForeignKeyRelation[Period] = fields.ForeignKeyField(
        "models.Period", related_name="activities", on_delete=fields.RESTRICT
    )
    reporter: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="activities", on_delete=fields.RESTRICT
    )
    activity_date = fields.DateField()
    data: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    version = fields.IntField(default=1)
    channel = fields.CharField(max_length=16, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    deleted_at = fields.DatetimeField(null=True)
    # The draft's token: a second confirm of the same draft cannot insert a second row.
    draft_token = fields.CharField(max_length=40, null=True, unique=True)
    unit_id: int
    kind_id: int
    period_id: int
    reporter_id: int

    class Meta:
        table = "activities"
        # (period, unit, deleted_at) lets the due list read the index alone, never the rows.
        indexes = (
            ("unit_id", "period_id"),
            ("period_id", "kind_id"),
            ("period_id", "unit_id", "deleted_at"),
        )

    @property
    def receipt(self) -> str:
        return f"BC-{self.id:06d}"


# An explicit "không phát sinh" for a unit and period: reported, with nothing to report.
class NilReport(Model):
    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="nil_reports", on_delete=fields.RESTRICT
    )
    period: fields.ForeignKeyRelation[Period] = fields.ForeignKeyField(
        "models.Period", related_name="nil_reports", on_delete=fields.RESTRICT
    )
    reporter: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="nil_reports", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "nil_reports"
        unique_together = (("unit", "period"),)


class AuditEntry(Model):
    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True)
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entity = fields.CharField(max_length=32)
    entity_id = fields.IntField()
    action = fields.CharField(max_length=16)
    before: fields.Field[Any] = fields.JSONField(null=True)
    after: fields.Field[Any] = fields.JSONField(null=True)

    class Meta:
        table = "audit_log"
        indexes = (("entity", "entity_id"),)


# A photo or file, stored once under its SHA-256.
class Media(Model):
    id = fields.IntField(primary_key=True)
    sha256 = fields.CharField(max_length=64, unique=True)
    # A perceptual hash (64-bit, hex): the same picture resized or recompressed keeps it nearly.
    phash = fields.CharField(max_length=16, null=True)
    path = fields.CharField(max_length=300)
    mime = fields.CharField(max_length=100, default="")
    size = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    OUTSIDE_WINDOW = "outside_window"
    CANCELLED = "cancelled"
    REFUSED = "refused"  # the platform refused for good (a bad request, a user's restriction)


# A proactive message (reminder, escalation, digest), written here first under a key that can be
# written once only; a sender drains pending rows and records the outcome. Two processes or a
# restart therefore never send the same reminder twice, nor skip one.
class Outbox(Model):
    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="outbox", on_delete=fields.CASCADE
    )
    category = fields.CharField(max_length=16)
    text = fields.TextField()
    payload: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    status = fields.CharEnumField(OutboxStatus, max_length=16, default=OutboxStatus.PENDING)
    channel = fields.CharField(max_length=16, default="")
    attempts = fields.IntField(default=0)
    not_before = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=300, default="")
    member_id: int

    class Meta:
        table = "outbox"
        indexes = (("status", "not_before"),)


# "Nhắc tôi sau": no reminder to this member for this period before `until`.
class Snooze(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="snoozes", on_delete=fields.CASCADE
    )
    period: fields.ForeignKeyRelation[Period] = fields.ForeignKeyField(
        "models.Period", related_name="snoozes", on_delete=fields.CASCADE
    )
    until = fields.DatetimeField()

    class Meta:
        table = "snoozes"
        unique_together = (("member", "period"),)


# Messages sent per channel account per month: Zalo bots have a monthly quota per bot.
class ChannelCounter(Model):
    id = fields.IntField(primary_key=True)
    channel = fields.CharField(max_length=16)
    account = fields.CharField(max_length=64, default="")
    month = fields.CharField(max_length=7)  # YYYY-MM, Vietnam time
    sent = fields.IntField(default=0)
    warned = fields.BooleanField(default=False)

    class Meta:
        table = "channel_counters"
        unique_together = (("channel", "account", "month"),)


# A Zalo OA follow event already greeted. Follow events carry no message id and Zalo posts them
# again when unsure (30 s, 5 min, 15 min, ...): the follower and the event's time are the key, in
# the database so that a second process greets nobody twice either.
class ZaloFollow(Model):
    id = fields.IntField(primary_key=True)
    oa_id = fields.CharField(max_length=64)
    user_id = fields.CharField(max_length=64)
    event_time = fields.BigIntField()  # the event's timestamp, epoch milliseconds
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "zalo_follows"
        unique_together = (("oa_id", "user_id", "event_time"),)


# Zalo Official Account tokens. The refresh token is single use: each refresh is written here
# (compare-and-set on `version`) before the new access token is used.
class OAToken(Model):
    id = fields.IntField(primary_key=True)
    oa_id = fields.CharField(max_length=64, unique=True)
    access_token = fields.TextField()
    refresh_token = fields.TextField()
    expires_at = fields.DatetimeField()
    version = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "oa_tokens"


# Every update a platform delivers, written here before it is acknowledged (the webhook's 200,
# the poll's next offset): "received" then means "will be handled", across crashes and
# processes. Rows of one chat are handled in id order, and a row is marked done in the
# transaction of its turn. The key is the platform's id of the update, so a repeat is no row.
class InboxEntry(Model):
    id = fields.BigIntField(primary_key=True)
    channel = fields.CharField(max_length=16)
    account = fields.CharField(max_length=64, default="")
    key = fields.CharField(max_length=128)
    chat = fields.CharField(max_length=64)
    body: fields.Field[Any] = fields.JSONField()
    received_at = fields.DatetimeField()
    claimed_by = fields.CharField(max_length=40, default="")
    claimed_until = fields.DatetimeField(null=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbox"
        unique_together = (("channel", "account", "key"),)
        indexes = (("channel", "done_at", "id"), ("channel", "account", "chat", "done_at"))
