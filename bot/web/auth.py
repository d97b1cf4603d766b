"""The board's sessions: the one-time link from the chat opens one, a cookie carries it, every
request finds who is behind it and which subtree they see; CSRF tokens and security headers."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp_jinja2
from aiohttp import web

from handlers import texts_web as W
from handlers.audit import record
from handlers.supervise import scope_unit
from handlers.weblogin import digest, unsigned
from models import Member, Role, Unit, WebLogin, WebSession

COOKIE = "baocao_phien"
SESSION_HOURS = 10  # a working day
PREFIX = "/web"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    # The login link is a secret in the URL: never sent on to another site.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
}
Clock = Callable[[], datetime]
VIEWER: web.RequestKey[Viewer] = web.RequestKey("viewer", "Viewer")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Viewer:
    """Who is looking: the member, the root of what they may see, their session."""

    member: Member
    scope: Unit
    session: WebSession

    @property
    def is_admin(self) -> bool:
        return self.member.role == Role.ADMIN

    def sees(self, unit: Unit) -> bool:
        return unit.path.startswith(self.scope.path)


def page(request: web.Request, template: str, status: int = 200, **context: object) -> web.Response:
    viewer = request.get(VIEWER)
    context.setdefault("viewer", viewer)
    context.setdefault("csrf", viewer.session.csrf if viewer else "")
    context.setdefault("W", W)
    return aiohttp_jinja2.render_template(template, request, context, status=status)


def not_found(request: web.Request) -> web.Response:
    return page(request, "message.html", status=404, title=W.NOT_FOUND, text=W.NOT_FOUND)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(PREFIX):
        return await handler(request)
    try:
        response = await handler(request)
    except web.HTTPNotFound:
        response = not_found(request)
    except web.HTTPException as e:  # redirects, refusals: the same headers
        for name, value in HEADERS.items():
            e.headers.setdefault(name, value)
        raise
    if request.path.startswith(f"{PREFIX}/static/"):  # the stylesheet and script: no secrets
        response.headers.setdefault("Cache-Control", "public, max-age=3600")
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class Sessions:
    def __init__(self, clock: Clock, secure: bool) -> None:
        self.clock = clock
        self.secure = secure

    async def viewer(self, request: web.Request) -> Viewer | None:
        token = request.cookies.get(COOKIE, "")
        if not token:
            return None
        session = await WebSession.get_or_none(
            token_hash=digest(token), ended_at=None, expires_at__gt=self.clock()
        ).select_related("member__unit")
        if session is None:
            return None
        member = session.member
        if not member.active or member.role == Role.REPORTER:
            return None
        return Viewer(member, await scope_unit(member, member.unit), session)

    async def require(self, request: web.Request) -> Viewer:
        viewer = await self.viewer(request)
        if viewer is None:
            raise web.HTTPFound(f"{PREFIX}/logged-out")
        request[VIEWER] = viewer
        return viewer

    async def check_form(self, request: web.Request, viewer: Viewer) -> dict[str, object]:
        """The posted form, after its CSRF token matched the session's."""
        form = await request.post()
        given = form.get("csrf")
        if not isinstance(given, str) or not hmac.compare_digest(
            given.encode(), viewer.session.csrf.encode()
        ):
            raise web.HTTPForbidden(
                text=W.BAD_FORM, content_type="text/plain", headers={"Cache-Control": "no-store"}
            )
        return dict(form)

    # -- login and logout ---------------------------------------------------------------------

    async def _login(self, token: str) -> tuple[WebLogin | None, str]:
        """The link's login row if it may still be used, else the reason shown."""
        raw = unsigned(token)
        if raw is None:
            return None, W.LINK_BAD
        login = await WebLogin.get_or_none(token_hash=digest(raw))
        if login is None:
            return None, W.LINK_BAD
        if login.used_at is not None:
            return None, W.LINK_USED
        if login.expires_at <= self.clock():
            return None, W.LINK_EXPIRED
        return login, ""

    async def login_page(self, request: web.Request) -> web.StreamResponse:
        """GET shows a button (a link preview fetching the URL must not use it up); the page's
        script presses it at once in a browser."""
        token = request.match_info["token"]
        login, refusal = await self._login(token)
        if login is None:
            return page(request, "refused.html", status=403, title=W.LOGIN_TITLE, text=refusal)
        return page(request, "login.html", title=W.LOGIN_TITLE, token=token)

    async def login(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        login, refusal = await self._login(token)
        now = self.clock()
        # Single use across processes: only one request flips used_at.
        if login is None or not await WebLogin.filter(
            id=login.id, used_at=None, expires_at__gt=now
        ).update(used_at=now):
            return page(
                request,
                "refused.html",
                status=403,
                title=W.LOGIN_TITLE,
                text=refusal or W.LINK_USED,
            )
        member = await Member.get(id=login.member_id)
        if not member.active or member.role == Role.REPORTER:
            return page(request, "refused.html", status=403, title=W.LOGIN_TITLE, text=W.LINK_BAD)
        value = secrets.token_urlsafe(32)
        session = await WebSession.create(
            token_hash=digest(value),
            member_id=member.id,
            csrf=secrets.token_urlsafe(24),
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
        await record(member.id, "web_session", session.id, "login", None, {"login": login.id})
        response = web.HTTPSeeOther(f"{PREFIX}/")
        response.set_cookie(
            COOKIE,
            value,
            max_age=SESSION_HOURS * 3600,
            path=PREFIX,
            httponly=True,
            samesite="Lax",
            secure=self.secure,
        )
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        viewer = await self.require(request)
        await self.check_form(request, viewer)
        await WebSession.filter(id=viewer.session.id).update(ended_at=self.clock())
        await record(viewer.member.id, "web_session", viewer.session.id, "logout", None, None)
        response = web.HTTPSeeOther(f"{PREFIX}/logged-out?bye=1")
        response.del_cookie(COOKIE, path=PREFIX)
        raise response

    async def logged_out(self, request: web.Request) -> web.StreamResponse:
        text = W.LOGGED_OUT if request.query.get("bye") else W.NEED_LOGIN
        return page(request, "refused.html", title=W.LOGIN_TITLE, text=text)
