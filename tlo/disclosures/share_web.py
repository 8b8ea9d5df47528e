"""The page an outside co-inventor opens from the e-mailed link (tlo/disclosures/share_links.py):
their share and their co-inventors', a button to confirm and a form to dispute with a reason.
Plain HTML, no account, no script, no cookie; mounted beside the app at /share in tlo_app.py.
Never cached, never indexed, and no referrer leaves it (the token is in the address)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tlo import office_settings
from tlo.catalogue import web as catalogue_web
from tlo.db import unit_of_work
from tlo.disclosures import share_links
from tlo.errors import ValidationError

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
HEADERS = catalogue_web.HEADERS | {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}
FORM_MAX_BYTES = 20_000


def _render(session, request: Request, status: int = 200, **context) -> HTMLResponse:
    parties = office_settings.parties(session)
    html = TEMPLATES.get_template("share.html").render(
        university=parties.university_name,
        office=parties.office_name,
        office_email=parties.office_email,
        style=catalogue_web.mount_path(
            request.scope.get("root_path", "").removesuffix(f"/{share_links.PATH}")
        )
        + "/style.css",
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _show(request: Request, *, error: str = "", reason: str = "", status: int = 200):
    token = request.path_params["token"]
    with unit_of_work() as session:
        try:
            shown = share_links.view(session, token=token)
        except share_links.LinkRefused as refused:
            return _render(session, request, status=410, refused=str(refused), v=None)
        return _render(session, request, status=status, v=shown, error=error, reason=reason)


def _answer(request: Request, fields: dict) -> Response:
    token = request.path_params["token"]
    confirm = fields.get("answer") == "confirm"
    reason = fields.get("reason", "")
    try:
        with unit_of_work() as session:
            done = share_links.answer(
                session,
                token=token,
                confirm=confirm,
                reason=reason,
                typed_name=fields.get("typed_name", ""),
            )
    except share_links.LinkRefused:
        return _show(request)
    except ValidationError as error:
        return _show(request, error=str(error), reason=reason, status=400)
    with unit_of_work() as session:
        return _render(session, request, done=done, v=None)


async def page(request: Request) -> Response:
    if request.method == "GET":
        return await run_in_threadpool(_show, request)
    if int(request.headers.get("content-length") or 0) > FORM_MAX_BYTES:
        return Response("Too long.", status_code=413)
    async with request.form(max_files=0, max_fields=5) as data:
        fields = {name: value for name, value in data.items() if isinstance(value, str)}
    return await run_in_threadpool(_answer, request, fields)


def application() -> Starlette:
    return Starlette(routes=[Route("/{token}", page, methods=["GET", "POST"])])


def mount_path(base_url_path: str = "") -> str:
    base = base_url_path.strip("/")
    return f"/{base}/{share_links.PATH}" if base else f"/{share_links.PATH}"
