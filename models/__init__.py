"""Tortoise models, migrations and the queries that need SQL thinking. Imports nothing of ours."""

from models.entities import (
    Activity,
    ActivityKind,
    AuditEntry,
    Identity,
    InviteCode,
    Media,
    Member,
    NilReport,
    Period,
    ProcessedMessage,
    RegistrationAttempt,
    Role,
    Topic,
    Unit,
)

__all__ = [
    "Activity",
    "ActivityKind",
    "AuditEntry",
    "Identity",
    "InviteCode",
    "Media",
    "Member",
    "NilReport",
    "Period",
    "ProcessedMessage",
    "RegistrationAttempt",
    "Role",
    "Topic",
    "Unit",
]
