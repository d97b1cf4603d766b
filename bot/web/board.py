"""The board's web page: the completeness grid, a unit's period with its reports and photos, and
the wiring of every page (documents and roster in their own modules) onto the one web server."""

from __future__ import annotations

import logging
import secrets
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from bot.config import Settings
from bot.web.auth import PREFIX, Clock, Sessions, Viewer, page, security_headers
from bot.web.documents import Documents
from bot.web.review import ReviewPages
from bot.web.roster import RosterPages
from handlers import review_texts as RT
from handlers import texts as T
from handlers import texts_web as W
from handlers import weblogin
from handlers.catalog import CatalogCache
from handlers.fields import show
from models import Activity, AuditEntry, Media, NilReport, Period, Unit
from models.grid import (
    CELLS,
    LATE,
    NIL,
    NOT_DUE,
    ON_TIME,
    Cell,
    Grid,
    GridRow,
    Tally,
    year_grid,
)
from models.periods import ReportRules, bounds_for, end_of_day_utc, vn_today
from models.queries import unit_statuses
from models.review import Review, ReviewState, closing_over

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
SYMBOLS = {
    Cell.ON_TIME: ("ok", "✓"),
    Cell.LATE: ("late", "M"),
    Cell.NIL: ("nil", "K"),
    Cell.MISSING: ("miss", "✗"),
    Cell.NOT_DUE: ("nd", "·"),
}


def slug(d: date) -> str:
    return f"{d:%Y-%m}"


def _rate(reported: int, due: int) -> str:
    return f"{round(100 * reported / due)}%" if due else ""


def _group_cell(t: Tally, due: bool) -> tuple[str, str]:
    if not t.total:
        return ("nd", "")
    rate = t.rate
    if rate is None or not due:
        return ("nd", f"{t.reported}/{t.total}")
    return ("ok" if rate == 100 else "late" if rate >= 50 else "miss", f"{t.reported}/{t.due}")


def _marked(cls: str, i: int, r: GridRow) -> str:
    """A cell's opening up to the unit id, for a period approved or closed: its classes and a
    title that says so (in words, for a reader and a screen reader alike)."""
    marks, words = [cls], []
    if i in r.approved:
        marks.append("ap")
        words.append(W.GRID_APPROVED)
    if i in r.closed:
        marks.append("cl")
        words.append(W.GRID_CLOSED)
    return f'<td class="{" ".join(marks)}" title="{", ".join(words)}"><a href="/web/u/'


def grid_body(
    grid: Grid,
    root_depth: int,
    year: int,
    *,
    base: int = 0,
    shown: int | None = None,
    below: bool = False,
) -> Markup:
    """The grid's rows as HTML, `shown` levels deep (None: all of them, open). A group at the
    last level shown carries `data-load`: the page's script fetches its rows when it is opened;
    `below` leaves out the root (those rows, `base` being the root's level on the page).

    3,000 units × 12 months are 36,000 cells: one string concatenation each here, several times
    faster than a template loop (bench/web_completeness.py). Unit names are escaped; everything
    else is ours (numbers, classes, symbols)."""
    slugs = [f"/{slug(p.start)}" for p in grid.periods]
    due = [grid.today > p.deadline for p in grid.periods]
    # Per status: the cell's opening up to the unit id, and its end after the period.
    openings = [f'<td class="{SYMBOLS[c][0]}"><a href="/web/u/' for c in CELLS]
    endings = [f'">{SYMBOLS[c][1]}</a></td>' for c in CELLS]
    approved = [
        f'<td class="{SYMBOLS[c][0]} ap" title="{W.GRID_APPROVED}"><a href="/web/u/' for c in CELLS
    ]
    reported_codes = {ON_TIME, LATE, NIL}
    out: list[str] = []
    for r in grid.rows:
        level = r.depth - root_depth + base
        if (below and level == base) or (shown is not None and level > shown):
            continue
        uid = str(r.unit_id)
        lazy = shown is not None and level == shown and r.children > 0
        opened = r.children > 0 and not lazy
        classes = (
            f"l{min(level, 4)}" + (" g" if not r.reports else "") + (" open" if opened else "")
        )
        out.append(
            f'<tr data-p="{r.path}" data-l="{level}" data-id="{uid}" class="{classes}"'
            f'{" data-load" if lazy else ""}><th class="name">'
            + (
                f'<button type="button" class="t" aria-label="{W.GRID_EXPAND}"></button>'
                if r.children
                else ""
            )
            + f'<a href="/web/?nam={year}&amp;dv={uid}">{escape(r.name)}</a></th>'
        )
        if r.reports and not r.children:
            owed = done = 0
            for i, (c, s) in enumerate(zip(r.codes, slugs, strict=True)):
                if i in r.closed:
                    out.append(_marked(SYMBOLS[CELLS[c]][0], i, r) + uid + s + endings[c])
                elif i in r.approved:
                    out.append(approved[c] + uid + s + endings[c])
                else:
                    out.append(openings[c] + uid + s + endings[c])
                if c != NOT_DUE:
                    owed += 1
                    done += c in reported_codes
            rate = _rate(done, owed)
        else:
            reported = owing = 0
            for i, s in enumerate(slugs):
                t = r.tally(i)
                cls, text = _group_cell(t, due[i])
                opening = (
                    _marked(cls, i, r) if i in r.closed else f'<td class="{cls}"><a href="/web/u/'
                )
                out.append(f'{opening}{uid}{s}">{text}</a></td>')
                reported += t.reported if due[i] else 0
                owing += t.due if due[i] else 0
            rate = _rate(reported, owing)
        out.append(f'<td class="rate">{rate}</td></tr>\n')
    return Markup("".join(out))


def _totals(grid: Grid) -> dict[str, int]:
    """The year's count of each status over the page's root and everything under it."""
    counts = [0] * len(CELLS)
    if grid.rows:
        root = grid.rows[0]
        for i, n in enumerate(root.counts):
            counts[i % len(CELLS)] += n
        for c in root.codes:
            counts[c] += 1
    return {cell.value: counts[i] for i, cell in enumerate(CELLS)}


def _review_line(review: Review | None) -> dict[str, Any]:
    """A report's review as the unit page shows it: its state, and who decided, when, why.
    No row: a report from before reviews existed, approved as it was then."""
    if review is None:
        return {"cls": "ap", "state": RT.STATE_NAMES["approved"], "reason": "", "by": ""}
    state = ReviewState(review.state)
    by = ""
    if review.decided_at is not None and state != ReviewState.PENDING:
        who = review.reviewer.name if review.reviewer else ""
        by = W.REVIEW_BY.format(who=who, at=T.fmt_datetime(review.decided_at))
    return {
        "cls": {"approved": "ap", "returned": "miss", "pending": "nd"}[state.value],
        "state": RT.STATE_NAMES[state.value],
        "reason": review.reason if state == ReviewState.RETURNED else "",
        "by": by,
    }


class Board:
    name = "board"

    def __init__(
        self,
        rules: ReportRules,
        media_dir: Path,
        public_url: str,
        secret: bytes,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.rules = rules
        self.media_dir = media_dir
        self.clock = clock
        self.catalog = CatalogCache()
        self.sessions = Sessions(clock, public_url.startswith("https://"))
        self.documents = Documents(self.sessions, rules, media_dir / "exports", settings, clock)
        self.roster = RosterPages(self.sessions, rules, self.documents, clock)
        self.review = ReviewPages(self.sessions, rules, clock)
        weblogin.configure(public_url, secret)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> Board:
        secret = (settings.web_secret or settings.download_link_secret).encode()
        if not secret:
            log.warning("WEB_SECRET is empty: login links made before a restart stop working")
            secret = secrets.token_bytes(32)
        return cls(
            settings.rules,
            settings.media_dir,
            settings.public_url,
            secret,
            settings,
            clock,
        )

    def install(self, app: web.Application) -> None:
        env = aiohttp_jinja2.setup(
            app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True
        )
        env.filters["d"] = T.fmt_date
        env.filters["dt"] = T.fmt_datetime
        app.middlewares.append(security_headers)
        app.router.add_routes(self.routes())
        app.router.add_static(f"{PREFIX}/static", HERE / "static")

    def routes(self) -> list[web.RouteDef]:
        s = self.sessions
        return [
            web.get(f"{PREFIX}/login/{{token}}", s.login_page),
            web.post(f"{PREFIX}/login/{{token}}", s.login),
            web.post(f"{PREFIX}/logout", s.logout),
            web.get(f"{PREFIX}/logged-out", s.logged_out),
            web.get(f"{PREFIX}/", self.grid),
            web.get(f"{PREFIX}", self.grid),
            web.get(f"{PREFIX}/rows", self.grid_rows),
            web.get(f"{PREFIX}/u/{{unit}}/{{period}}", self.unit_page),
            web.get(f"{PREFIX}/photo/{{activity}}/{{sha}}", self.photo),
            *self.documents.routes(),
            *self.roster.routes(),
            *self.review.routes(),
        ]

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        await self.documents.stop()

    # -- the completeness grid ----------------------------------------------------------------

    async def _unit(self, viewer: Viewer, value: str) -> Unit:
        unit = (
            await Unit.get_or_none(id=int(value)) if value.isdigit() and len(value) < 10 else None
        )
        if unit is None or not viewer.sees(unit):
            raise web.HTTPNotFound()
        return unit

    def _year(self, request: web.Request, today: date) -> int:
        text = request.query.get("nam", "")
        year = int(text) if text.isdigit() and len(text) == 4 else today.year
        return year if 2000 <= year <= today.year + 1 else today.year

    async def grid(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        today = vn_today(self.clock())
        year = self._year(request, today)
        everything = request.query.get("mo") == "1"
        root = viewer.scope
        if request.query.get("dv"):
            root = await self._unit(viewer, request.query["dv"])
        depth = None if everything else root.depth + 1  # the reporting units shown
        grid = await year_grid(root, year, self.rules, today, depth)
        groups = await Unit.filter(
            path__startswith=viewer.scope.path, reports=False, active=True
        ).values_list("id", "name", "depth")
        response = page(
            request,
            "grid.html",
            title=W.GRID_TITLE.format(year=year),
            year=year,
            years=list(range(today.year + 1, today.year - 5, -1)),
            root=root,
            groups=[(i, n, d - viewer.scope.depth) for i, n, d in groups],
            months=[W.MONTH.format(m=p.start.month) for p in grid.periods],
            body=grid_body(grid, root.depth, year, shown=None if everything else 1),
            everything=everything,
            totals=_totals(grid),
            symbols={c.value: SYMBOLS[c] for c in Cell},
        )
        response.enable_compression()
        return response

    async def grid_rows(self, request: web.Request) -> web.StreamResponse:
        """The rows under one unit, for the page's script when a group is opened."""
        viewer = await self.sessions.require(request)
        today = vn_today(self.clock())
        unit = await self._unit(viewer, request.query.get("dv", ""))
        level_text = request.query.get("l", "")
        level = int(level_text) if level_text.isdigit() and len(level_text) < 3 else 0
        year = self._year(request, today)
        grid = await year_grid(unit, year, self.rules, today, unit.depth + 1)
        body = grid_body(grid, unit.depth, grid.year, base=level, shown=level + 1, below=True)
        response = web.Response(text=str(body), content_type="text/html")
        response.enable_compression()
        return response

    # -- a unit and period --------------------------------------------------------------------

    async def unit_page(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        unit = await self._unit(viewer, request.match_info["unit"])
        try:
            y, m = (int(x) for x in request.match_info["period"].split("-"))
            bounds = bounds_for(date(y, m, 1), self.rules)
        except ValueError:
            raise web.HTTPNotFound() from None
        period = await Period.get_or_none(start=bounds.start, end=bounds.end)
        label = T.period_label(bounds.start, bounds.end)
        context: dict[str, Any] = {
            "title": W.UNIT_TITLE.format(unit=unit.name, period=label),
            "unit": unit,
            "bounds": bounds,
            "year": bounds.start.year,
            "reports": [],
            "nil": None,
            "children": [],
            "state": None,
            "closed": None,
        }
        if period is not None and unit.reports:
            context.update(await self._reports(unit, period))
        elif period is not None:
            context["children"] = [
                (s, SYMBOLS[Cell(s.status.value)])
                for s in await unit_statuses(period, unit)
                if s.unit_id != unit.id
            ]
        if unit.reports and context["state"] is None:
            today = vn_today(self.clock())
            context["state"] = Cell.MISSING if today > bounds.deadline else Cell.NOT_DUE
        if context["state"] is not None:
            context["state"] = (*SYMBOLS[context["state"]], W.STATUS_NAMES[context["state"]])
        context["slug"] = slug(bounds.start)
        return page(request, "unit.html", **context)

    async def _reports(self, unit: Unit, period: Period) -> dict[str, Any]:
        catalog = await self.catalog.get()
        activities = (
            await Activity.filter(unit_id=unit.id, period_id=period.id)
            .select_related("reporter")
            .order_by("activity_date", "id")
        )
        audit: dict[int, list[AuditEntry]] = {}
        for e in (
            await AuditEntry.filter(entity="activity", entity_id__in=[a.id for a in activities])
            .select_related("member")
            .order_by("at", "id")
        ):
            audit.setdefault(e.entity_id, []).append(e)
        reviews = {
            r.activity_id: r
            for r in await Review.filter(activity_id__in=[a.id for a in activities]).select_related(
                "reviewer"
            )
        }
        reports = []
        for a in activities:
            kind = catalog.kind_by_id(a.kind_id)
            fields = kind.fields if kind else []
            shown, photos = [], []
            for f in fields:
                value = a.data.get(f["key"])
                if f["type"] == "photos":
                    photos = [sha for sha in value or [] if isinstance(sha, str)]
                    continue
                shown.append((f["label"], show(f, value, catalog)))
            history = []
            for e in audit.get(a.id, []):
                changed = []
                if e.action == "send_back" and isinstance(e.after, dict):
                    changed.append(W.REVIEW_REASON + ": " + str(e.after.get("reason", "")))
                if e.action == "edit" and isinstance(e.before, dict) and isinstance(e.after, dict):
                    for f in fields:
                        k = f["key"]
                        if e.before.get(k) != e.after.get(k):
                            changed.append(
                                f"{f['label']}: {show(f, e.before.get(k), catalog)} → "
                                f"{show(f, e.after.get(k), catalog)}"
                            )
                history.append(
                    (
                        e.at,
                        e.member.name if e.member else "",
                        W.HISTORY_ACTIONS.get(e.action, e.action),
                        changed,
                    )
                )
            reports.append(
                {
                    "a": a,
                    "kind": kind.name if kind else "",
                    "fields": shown,
                    "photos": photos,
                    "history": history,
                    "review": _review_line(reviews.get(a.id)),
                }
            )
        live = [a for a in activities if a.deleted_at is None]
        nil = await NilReport.get_or_none(unit_id=unit.id, period_id=period.id).select_related(
            "reporter"
        )
        status = None
        if live:
            first = min(a.created_at for a in live)
            status = Cell.ON_TIME if first < end_of_day_utc(period.deadline) else Cell.LATE
        elif nil is not None:
            status = Cell.NIL
        closing = await closing_over(unit, period.id)
        closed = W.UNIT_CLOSED.format(unit=closing.name) if closing is not None else None
        return {"reports": reports, "nil": nil, "state": status, "closed": closed}

    async def photo(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.sessions.require(request)
        activity_id, sha = request.match_info["activity"], request.match_info["sha"]
        activity = (
            await Activity.get_or_none(id=int(activity_id)).select_related("unit")
            if activity_id.isdigit() and len(activity_id) < 10
            else None
        )
        if activity is None or not viewer.sees(activity.unit):
            raise web.HTTPNotFound()
        shas = {
            s
            for v in activity.data.values()
            if isinstance(v, list)
            for s in v
            if isinstance(s, str)
        }
        media = await Media.get_or_none(sha256=sha) if sha in shas else None
        if media is None:
            raise web.HTTPNotFound()
        root = self.media_dir.resolve()
        target = (root / media.path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(
            target,
            headers={
                "Content-Type": media.mime or "application/octet-stream",
                "Cache-Control": "private, max-age=3600",
            },
        )
