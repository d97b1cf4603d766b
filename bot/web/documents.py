"""The documents page: every kind of document is one entry of KINDS (what the form asks, how it
is built); a request is built in the background, the page shows it pending, then offers it.

More kinds (quarter, half-year, year, the narrative .docx) are more entries of KINDS."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.config import Settings
from bot.exporter import export_writer, results_writer
from bot.web.auth import PREFIX, Clock, Sessions, Viewer, page
from handlers import texts as T
from handlers import texts_web as W
from handlers.audit import record
from handlers.exporting import ExportRequest, parse_span
from models import Directive, DocumentStatus, Unit, WebDocument
from models.periods import ReportRules, bounds_for, period_for, vn_today

log = logging.getLogger(__name__)

MAX_RANGE_DAYS = 366
RECENT = 20
STALE = timedelta(minutes=30)
Build = Callable[[Path], Awaitable[str]]  # writes the file, returns the summary shown


@dataclass(frozen=True)
class Job:
    label: str
    unit: Unit
    params: dict[str, Any]
    build: Build


@dataclass(frozen=True)
class Kind:
    key: str
    inputs: tuple[str, ...]  # the form's inputs: month, from, to, directive
    prepare: Callable[[Documents, Viewer, dict[str, Any]], Awaitable[Job | str]]

    @property
    def name(self) -> str:
        return W.DOC_KINDS[self.key]


def _month(value: Any) -> date | None:
    try:
        y, m = (int(x) for x in str(value).split("-"))
        return date(y, m, 1)
    except ValueError:
        return None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


async def _month_job(docs: Documents, viewer: Viewer, form: dict[str, Any]) -> Job | str:
    month = _month(form.get("month"))
    today = vn_today(docs.clock())
    if month is None or month > today or month.year < 2000:
        return W.DOC_BAD_MONTH
    b = bounds_for(month, docs.rules)
    return docs.workbook(viewer.scope, b.start, b.end, today, periodic=True, docx=_word(form))


def _word(form: dict[str, Any]) -> bool:
    return str(form.get("docx", "")) in ("1", "on", "true")


async def _review_job(docs: Documents, viewer: Viewer, form: dict[str, Any]) -> Job | str:
    """A quarter, half-year or year ("sơ kết", "tổng kết"), built from the monthly data."""
    span = parse_span(str(form.get("span", ""))[:40])
    today = vn_today(docs.clock())
    if span is None or span.start > today:
        return W.DOC_BAD_SPAN
    label = T.period_label(span.start, span.end)

    async def build(path: Path) -> str:
        done = await docs.write_export(
            ExportRequest(
                path, span.start, span.end, None, viewer.scope, label, today, span, _word(form)
            )
        )
        return W.DOC_SUMMARY.format(
            units=done.units, activities=done.activities, missing=done.missing
        )

    return Job(
        label, viewer.scope, {"from": span.start.isoformat(), "to": span.end.isoformat()}, build
    )


async def _range_job(docs: Documents, viewer: Viewer, form: dict[str, Any]) -> Job | str:
    start, end = _day(form.get("from")), _day(form.get("to"))
    today = vn_today(docs.clock())
    if (
        start is None
        or end is None
        or start > end
        or end > today
        or (end - start).days > MAX_RANGE_DAYS
    ):
        return W.DOC_BAD_RANGE
    return docs.workbook(viewer.scope, start, end, today, periodic=False)


async def _directive_job(docs: Documents, viewer: Viewer, form: dict[str, Any]) -> Job | str:
    value = str(form.get("directive", ""))
    d = (
        await Directive.get_or_none(id=int(value)).select_related("unit")
        if value.isdigit() and len(value) < 10
        else None
    )
    if d is None or not viewer.sees(d.unit):
        return W.DOC_BAD_DIRECTIVE

    async def build(path: Path) -> str:
        r = await docs.write_results(d, path)
        return W.DOC_RESULTS_SUMMARY.format(
            activities=r.total.activities, done=len(r.units) - len(r.idle_units), units=len(r.units)
        )

    return Job(d.number, d.unit, {"directive": d.id}, build)


KINDS = [
    Kind("month", ("month", "docx"), _month_job),
    Kind("review", ("span", "docx"), _review_job),
    Kind("range", ("from", "to"), _range_job),
    Kind("directive", ("directive",), _directive_job),
]


class Documents:
    def __init__(
        self,
        sessions: Sessions,
        rules: ReportRules,
        folder: Path,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.sessions = sessions
        self.rules = rules
        self.folder = folder / "web"
        self.clock = clock
        # The same writers as the chat's: each document in its issuing unit's party format.
        self.write_export = export_writer(settings)
        self.write_results = results_writer(settings)
        self._tasks: set[asyncio.Task[None]] = set()

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(f"{PREFIX}/documents", self.list_page),
            web.post(f"{PREFIX}/documents", self.request),
            web.get(f"{PREFIX}/documents/{{doc}}/file", self.download),
            web.get(f"{PREFIX}/documents/{{doc}}/word", self.download),
        ]

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def settled(self) -> None:
        """Wait for the documents being built (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def workbook(
        self, unit: Unit, start: date, end: date, today: date, periodic: bool, docx: bool = False
    ) -> Job:
        label = (
            T.period_label(start, end) if periodic else f"{T.fmt_date(start)} - {T.fmt_date(end)}"
        )

        async def build(path: Path) -> str:
            period = await period_for(start, self.rules) if periodic else None
            done = await self.write_export(
                ExportRequest(path, start, end, period, unit, label, today, docx=docx)
            )
            return W.DOC_SUMMARY.format(
                units=done.units, activities=done.activities, missing=done.missing
            )

        return Job(label, unit, {"from": start.isoformat(), "to": end.isoformat()}, build)

    def _path(self, doc: WebDocument) -> Path:
        return self.folder / doc.file_name

    async def start(self, viewer: Viewer, kind: str, job: Job) -> WebDocument:
        doc = await WebDocument.create(
            kind=kind,
            label=job.label[:200],
            params=job.params,
            unit_id=job.unit.id,
            member_id=viewer.member.id,
            file_name="",
        )
        doc.file_name = f"{kind}_{doc.id}_{secrets.token_hex(4)}.xlsx"
        await doc.save(update_fields=["file_name"])
        await record(
            viewer.member.id,
            "web_document",
            doc.id,
            "request",
            None,
            {"kind": kind, "label": doc.label},
        )
        task = asyncio.create_task(self._build(doc, job.build))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return doc

    async def _build(self, doc: WebDocument, build: Build) -> None:
        try:
            summary = await build(self._path(doc))
            status = DocumentStatus.READY
        except Exception:
            log.exception("document %s (%s) failed", doc.id, doc.kind)
            summary, status = W.DOCS_FAILED, DocumentStatus.FAILED
        await WebDocument.filter(id=doc.id).update(
            status=status, summary=summary[:300], finished_at=self.clock()
        )

    async def add_ready(
        self, viewer: Viewer, kind: str, label: str, write: Callable[[Path], None], summary: str
    ) -> WebDocument:
        """A document written at once (the invite codes after a roster upload)."""
        doc = await WebDocument.create(
            kind=kind, label=label[:200], unit_id=viewer.scope.id, member_id=viewer.member.id
        )
        doc.file_name = f"{kind}_{doc.id}_{secrets.token_hex(4)}.xlsx"
        self.folder.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(write, self._path(doc))
        doc.status, doc.summary, doc.finished_at = DocumentStatus.READY, summary, self.clock()
        await doc.save()
        return doc

    # -- pages --------------------------------------------------------------------------------

    async def _render(self, request: web.Request, viewer: Viewer, error: str = "") -> web.Response:
        # A build cut short by a restart would show "in progress" for ever.
        await WebDocument.filter(
            status=DocumentStatus.PENDING, created_at__lt=self.clock() - STALE
        ).update(status=DocumentStatus.FAILED, summary=W.DOCS_FAILED)
        docs = (
            await WebDocument.filter(unit__path__startswith=viewer.scope.path)
            .order_by("-id")
            .limit(RECENT)
        )
        directives = (
            await Directive.filter(unit__path__startswith=viewer.scope.path)
            .order_by("-issued_on", "-id")
            .limit(100)
        )
        today = vn_today(self.clock())
        return page(
            request,
            "documents.html",
            status=400 if error else 200,
            title=W.DOCS_TITLE,
            kinds=KINDS,
            docs=docs,
            pending=any(d.status == DocumentStatus.PENDING for d in docs),
            directives=directives,
            # The narrative report beside a workbook, where one was asked for.
            word={d.id for d in docs if self._path(d).with_suffix(".docx").is_file()},
            this_month=f"{today:%Y-%m}",
            today=today.isoformat(),
            month_ago=(today - timedelta(days=30)).isoformat(),
            error=error,
        )

    async def list_page(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        return await self._render(request, viewer)

    async def request(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        form = await self.sessions.check_form(request, viewer)
        kind = next((k for k in KINDS if k.key == form.get("kind")), None)
        if kind is None:
            raise web.HTTPNotFound()
        job = await kind.prepare(self, viewer, form)
        if isinstance(job, str):
            return await self._render(request, viewer, job)
        await self.start(viewer, kind.key, job)
        raise web.HTTPSeeOther(f"{PREFIX}/documents")

    async def download(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        value = request.match_info["doc"]
        doc = (
            await WebDocument.get_or_none(id=int(value)).select_related("unit")
            if value.isdigit() and len(value) < 10
            else None
        )
        if doc is None or not viewer.sees(doc.unit) or doc.status != DocumentStatus.READY:
            raise web.HTTPNotFound()
        path = self._path(doc)
        word = request.path.endswith("/word")
        if word:
            path = path.with_suffix(".docx")
        if not path.is_file():
            raise web.HTTPNotFound()
        name = f"{doc.kind}_{doc.id}{path.suffix}"
        kind = "wordprocessingml.document" if word else "spreadsheetml.sheet"
        return web.FileResponse(
            path,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
                "Content-Type": f"application/vnd.openxmlformats-officedocument.{kind}",
            },
        )
