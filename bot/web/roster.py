"""The roster page (an admin uploads the .xlsx: the row-by-row errors, or the result and the
invite-code sheet) and the directives and notices page."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from tortoise.expressions import Q

from bot.web.auth import PREFIX, Clock, Sessions, Viewer, page
from exports.invites import write_invites
from exports.roster_template import write_roster_template
from handlers import texts_web as W
from handlers.audit import record
from handlers.roster import import_roster
from models import Directive, Notice
from models.directives import ancestor_ids
from models.periods import ReportRules

if TYPE_CHECKING:
    from bot.web.documents import Documents

MAX_MB = 5
XLSX_MAGIC = b"PK\x03\x04"
TEMPLATE_NAME = "mau_danh_sach.xlsx"


class RosterPages:
    def __init__(
        self, sessions: Sessions, rules: ReportRules, documents: Documents, clock: Clock
    ) -> None:
        self.sessions = sessions
        self.rules = rules
        self.documents = documents
        self.clock = clock

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(f"{PREFIX}/roster", self.roster_page),
            web.post(f"{PREFIX}/roster", self.upload),
            web.get(f"{PREFIX}/roster/template", self.template),
            web.get(f"{PREFIX}/directives", self.directives_page),
        ]

    async def _admin(self, request: web.Request) -> Viewer:
        viewer = await self.sessions.require(request)
        if not viewer.is_admin:
            raise web.HTTPForbidden(text=W.FORBIDDEN, content_type="text/plain")
        return viewer

    async def roster_page(self, request: web.Request) -> web.StreamResponse:
        await self._admin(request)
        return page(request, "roster.html", title=W.ROSTER_TITLE, max_mb=MAX_MB)

    async def template(self, request: web.Request) -> web.StreamResponse:
        await self._admin(request)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / TEMPLATE_NAME
            await asyncio.to_thread(write_roster_template, path)
            body = path.read_bytes()
        return web.Response(
            body=body,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"'},
        )

    async def upload(self, request: web.Request) -> web.StreamResponse:
        viewer = await self._admin(request)
        try:
            form = await self.sessions.check_form(request, viewer)
        except web.HTTPRequestEntityTooLarge:
            return self._refuse(request, W.ROSTER_TOO_BIG.format(mb=MAX_MB))
        upload = form.get("file")
        if not isinstance(upload, web.FileField) or not upload.filename:
            return self._refuse(request, W.ROSTER_NO_FILE)
        content = upload.file.read(MAX_MB * 1024 * 1024 + 1)
        if len(content) > MAX_MB * 1024 * 1024:
            return self._refuse(request, W.ROSTER_TOO_BIG.format(mb=MAX_MB))
        if not upload.filename.lower().endswith(".xlsx") or not content.startswith(XLSX_MAGIC):
            return self._refuse(request, W.ROSTER_NOT_XLSX)
        now = self.clock()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "danh_sach.xlsx"
            path.write_bytes(content)
            result = await import_roster(path, self.rules, now)
        await record(
            viewer.member.id,
            "roster",
            viewer.scope.id,
            "import" if result.ok else "import_failed",
            None,
            {
                "file": upload.filename[:100],
                "errors": len(result.errors),
                "units": result.units_created + result.units_updated,
                "members": result.members_created + result.members_updated,
            },
        )
        invites = None
        if result.ok and result.invites:
            rows = result.invites
            invites = await self.documents.add_ready(
                viewer,
                "invites",
                W.DOC_KINDS["invites"],
                lambda p: write_invites(p, rows),
                f"{len(rows)}",
            )
        return page(
            request,
            "roster.html",
            status=200 if result.ok else 400,
            title=W.ROSTER_TITLE,
            max_mb=MAX_MB,
            result=result,
            invites=invites,
        )

    def _refuse(self, request: web.Request, error: str) -> web.Response:
        return page(
            request, "roster.html", status=400, title=W.ROSTER_TITLE, max_mb=MAX_MB, error=error
        )

    async def directives_page(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        scope = viewer.scope
        # Issued in the subtree, or above it for the whole of it.
        above = ancestor_ids(scope)
        own = Directive.filter(unit__path__startswith=scope.path)
        items = list(await own.select_related("unit").order_by("-issued_on", "-id").limit(100))
        items += await (
            Directive.filter(unit_id__in=above)
            .exclude(unit__path__startswith=scope.path)
            .select_related("unit")
            .order_by("-issued_on", "-id")
            .limit(100)
        )
        items.sort(key=lambda d: (d.issued_on, d.id), reverse=True)
        since = self.clock() - timedelta(days=365)
        notices = (
            await Notice.filter(created_at__gte=since)
            .filter(Q(unit__path__startswith=scope.path) | Q(unit_id__in=above))
            .select_related("unit")
            .order_by("-created_at")
            .limit(50)
        )
        return page(
            request,
            "directives.html",
            title=W.DIRECTIVES_TITLE,
            directives=[(d, viewer.sees(d.unit)) for d in items],
            notices=notices,
        )
