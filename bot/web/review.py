"""The review queue on the board's page: the chat's /duyet actions (handlers/reviewing.py:
approve, send_back), the oldest report first, each with a link to its unit and month."""

from __future__ import annotations

from aiohttp import web

from bot.web.auth import PREFIX, Clock, Sessions, Viewer, page
from handlers import review_texts as RT
from handlers import reviewing
from handlers import texts_web as W
from handlers.parsing import ParseError, clean_text
from handlers.review import REASON_MAX
from models import Activity
from models.periods import ReportRules, bounds_for
from models.review import review_queue

PAGE = 20


class ReviewPages:
    def __init__(self, sessions: Sessions, rules: ReportRules, clock: Clock) -> None:
        self.sessions = sessions
        self.rules = rules
        self.clock = clock

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(f"{PREFIX}/review", self.queue_page),
            web.post(f"{PREFIX}/review/{{activity}}/approve", self.approve),
            web.post(f"{PREFIX}/review/{{activity}}/send-back", self.send_back),
        ]

    async def _render(
        self, request: web.Request, viewer: Viewer, message: str = "", status: int = 200
    ) -> web.Response:
        text = request.query.get("trang", "")
        number = int(text) if text.isdigit() and len(text) < 5 else 0
        total, items = await review_queue(viewer.scope, number * PAGE, PAGE)
        found = await Activity.filter(id__in=[i.activity_id for i in items]).values(
            "id", "unit_id", "version"
        )
        units = {r["id"]: r["unit_id"] for r in found}
        rows = [
            (
                item,
                f"/web/u/{units.get(item.activity_id, 0)}/"
                f"{bounds_for(item.activity_date, self.rules).start:%Y-%m}#r{item.activity_id}",
            )
            for item in items
        ]
        return page(
            request,
            "review.html",
            status=status,
            title=W.REVIEW_TITLE,
            total=total,
            rows=rows,
            number=number,
            more=total > (number + 1) * PAGE,
            message=message,
            reason_max=REASON_MAX,
            RT=RT,
        )

    async def queue_page(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        return await self._render(request, viewer)

    async def _target(
        self, request: web.Request, viewer: Viewer
    ) -> tuple[int, int, dict[str, object]]:
        """The report in the URL (404 outside the session's subtree), the version the form
        showed, and the form."""
        form = await self.sessions.check_form(request, viewer)
        value = request.match_info["activity"]
        activity = (
            await Activity.get_or_none(id=int(value)).select_related("unit")
            if value.isdigit() and len(value) < 10
            else None
        )
        if activity is None or not viewer.sees(activity.unit):
            raise web.HTTPNotFound()
        version = str(form.get("version", ""))
        return activity.id, int(version) if version.isdigit() and len(version) < 6 else 0, form

    async def approve(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        activity_id, version, _ = await self._target(request, viewer)
        decision = await reviewing.approve(activity_id, version, viewer.member, self.clock())
        return await self._render(request, viewer, decision.message, 200 if decision.done else 409)

    async def send_back(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        activity_id, version, form = await self._target(request, viewer)
        try:  # the chat's own reading of a reason: words, at most REASON_MAX characters
            reason = clean_text(str(form.get("reason", "")), REASON_MAX)
        except ParseError as e:
            return await self._render(request, viewer, e.message, 400)
        decision = await reviewing.send_back(
            activity_id, version, viewer.member, reason, self.clock()
        )
        return await self._render(request, viewer, decision.message, 200 if decision.done else 409)
