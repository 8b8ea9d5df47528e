"""The one HTTP endpoint tlo adds beside Streamlit's: it sets and clears the session cookie.

Streamlit talks to the browser over a websocket, which cannot set a cookie, and a cookie that
page scripts could write would be one they could read (and an injected script steal). So the
cookie is set here, by an ordinary HTTP response, HttpOnly:

- `POST /_tlo/session` with a hand-off code as its body (tlo/auth/sessions.py): the code is
  swapped, once, for the session's token, sent back only in `Set-Cookie`;
- `DELETE /_tlo/session`: signs the cookie's session out and clears the cookie.

Both answer only requests from the app's own pages (the browser's Origin is this host), so
another site can neither plant its own session in a user's browser nor sign them out. The
cookie is SameSite=Strict, HttpOnly, path /, and over https Secure and `__Host-` prefixed
(no subdomain can set or shadow it). tlo_app.py mounts these routes through `st.App`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tlo.auth import sessions
from tlo.clock import utcnow
from tlo.db import unit_of_work

COOKIE = "tlo_session"  # over plain http (a laptop, a test)
SECURE_COOKIE = "__Host-tlo_session"  # over https: browsers keep it only with Secure, path /
ENDPOINT = "_tlo/session"
_NO_STORE = {"Cache-Control": "no-store"}
_MAX_BODY = 200


def endpoint_path(base_url_path: str = "") -> str:
    """Where the endpoint answers, under Streamlit's `server.baseUrlPath`."""
    base = base_url_path.strip("/")
    return f"/{base}/{ENDPOINT}" if base else f"/{ENDPOINT}"


def token_from(cookies: dict[str, str]) -> str | None:
    """The session token among a request's cookies."""
    return cookies.get(SECURE_COOKIE) or cookies.get(COOKIE)


def _from_our_pages(request: Request) -> bool:
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("origin")  # browsers send it with every POST and DELETE
    host = request.headers.get("host")
    return bool(origin and host) and urlsplit(origin).netloc.lower() == host.lower()


def _over_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _redeem(handoff: str) -> sessions.Issued | None:
    with unit_of_work() as session:
        return sessions.redeem(session, handoff=handoff)


def _end(token: str) -> None:
    with unit_of_work() as session:
        sessions.end(session, token=token)


async def session_cookie(request: Request) -> Response:
    if not _from_our_pages(request):
        return PlainTextResponse("Only tlo's own pages may do this.", 403, headers=_NO_STORE)
    secure = _over_https(request)
    name = SECURE_COOKIE if secure else COOKIE
    if request.method == "POST":
        body = await request.body()
        handoff = body[:_MAX_BODY].decode("ascii", "replace").strip()
        issued = await run_in_threadpool(_redeem, handoff)
        if issued is None:  # the cookie, if any, is left as it is
            return PlainTextResponse(
                "This sign-in hand-off is used or has expired.", 400, headers=_NO_STORE
            )
        response = Response(status_code=204, headers=_NO_STORE)
        response.set_cookie(
            name,
            issued.token,
            max_age=max(0, int((issued.expires_at - utcnow()).total_seconds())),
            path="/",
            secure=secure,
            httponly=True,
            samesite="strict",
        )
        return response
    token = token_from(request.cookies)
    if token:
        await run_in_threadpool(_end, token)
    response = Response(status_code=204, headers=_NO_STORE)
    response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="strict")
    return response


def routes(base_url_path: str = "") -> list[Route]:
    return [Route(endpoint_path(base_url_path), session_cookie, methods=["POST", "DELETE"])]
