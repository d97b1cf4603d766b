"""The board's web page: one-time login links, sessions, and the documents built from the page.

Only SHA-256 digests of the link and session tokens are stored: a copy of the database opens
nothing."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.entities import Member, Unit


# A link sent in the chat by /web: opens one session, once, within minutes.
class WebLogin(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    member_id: int

    class Meta:
        table = "web_logins"


class WebSession(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    csrf = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    member_id: int

    class Meta:
        table = "web_sessions"


class DocumentStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


# A document asked for on the page: built in the background, then downloaded by whoever's
# scope holds its unit.
class WebDocument(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)
    label = fields.CharField(max_length=200)
    params: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name=False, on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(DocumentStatus, max_length=16, default=DocumentStatus.PENDING)
    file_name = fields.CharField(max_length=200, default="")
    summary = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    unit_id: int
    member_id: int | None

    class Meta:
        table = "web_documents"
        indexes = (("unit_id", "created_at"),)
