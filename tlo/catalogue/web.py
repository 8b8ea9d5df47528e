"""The public catalogue's pages: server-rendered HTML anyone can open without signing in.

Streamlit draws its pages by script over a websocket, which search engines cannot index, so the
catalogue is plain HTML from Jinja templates (tlo/catalogue/templates), served by Starlette, the
ASGI framework Streamlit itself runs on. tlo_app.py mounts it under `/catalogue` beside the app
(the same origin and processes, so `make run` and the nginx setup serve it with no more setup):

    /catalogue/                     the list: search words, filters, newest first, 20 a page
    /catalogue/t/{slug}             a technology (a stable address), with the inquiry form
    /catalogue/t/{slug}/image       its image, if it has one
    /catalogue/sitemap.xml          every published technology, for search engines
    /catalogue/feed.xml             an Atom feed of the newest technologies
    /catalogue/style.css            the one style sheet (no script anywhere)

Every page reads through tlo.catalogue.public only, which reads published snapshots only.
"""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path
from xml.etree import ElementTree as ET

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from tlo import file_store, office_settings
from tlo.auth import services as accounts
from tlo.catalogue import inquiries, metrics, public
from tlo.catalogue.publishing import IMAGE_KIND, PatentState
from tlo.db import unit_of_work
from tlo.errors import NotFound, ValidationError
from tlo.licensing.models import CompanySize

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "xml"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
BOTS = re.compile(r"bot|crawl|spider|slurp|preview|fetch|monitor|curl|wget", re.IGNORECASE)
FORM_MAX_BYTES = 20_000


def _visitor(session, request: Request) -> str:
    # Behind nginx (deploy/nginx/tlo-proxy.conf) the client's address is X-Real-IP.
    address = request.headers.get("x-real-ip", "").strip() or (
        request.client.host if request.client else ""
    )
    browser = request.headers.get("user-agent", "")
    return metrics.visitor(session, address=address, browser=browser)


def _counted(request: Request) -> bool:
    """People are counted; crawlers and link previews are not."""
    return not BOTS.search(request.headers.get("user-agent", ""))


def _page(name: str, status: int = 200, **context) -> HTMLResponse:
    html = TEMPLATES.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _base(session, request: Request) -> dict:
    parties = office_settings.parties(session)
    return {
        "university": parties.university_name,
        "office": parties.office_name,
        "office_email": parties.office_email,
        "home": str(request.url_for("catalogue")),
        "style": str(request.url_for("style")),
        "feed": str(request.url_for("feed")),
        "patent_labels": PatentState.LABELS,
        "demo": accounts.demo_accounts_present(session),
    }


def _int(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 6 else 1


def _list(request: Request) -> HTMLResponse:
    q = request.query_params
    with unit_of_work() as session:
        result = public.search(
            session,
            words=q.get("q", ""),
            field=q.get("field", ""),
            stage=q.get("stage", ""),
            patent_state=q.get("patent", ""),
            sort=q.get("sort", "newest"),
            page=_int(q.get("page")),
        )
        words = public.clean_query(q.get("q", ""))
        if _counted(request):
            metrics.record_view(
                session, disclosure_id=metrics.LIST_PAGE, visitor_id=_visitor(session, request)
            )
            metrics.record_search(session, words=words, found=result.total)
        context = _base(session, request) | {"facets": public.facets(session)}
    chosen = {
        "q": words,
        "field": public.clean_query(q.get("field", "")),
        "stage": public.clean_query(q.get("stage", "")),
        "patent": q.get("patent", "") if q.get("patent", "") in PatentState.LABELS else "",
        "sort": q.get("sort", "newest") if q.get("sort") in public.SORTS else "newest",
    }
    return _page("list.html", result=result, chosen=chosen, **context)


def _technology_page(session, request, technology, *, form=None, error="", status=200):
    return _page(
        "technology.html",
        status=status,
        t=technology,
        form=form or inquiries.InquiryForm(),
        error=error,
        sent=request.query_params.get("sent") == "1",
        sizes=[(size.value, size.label) for size in CompanySize],
        url=str(request.url_for("technology", slug=technology.slug)),
        image=str(request.url_for("image", slug=technology.slug)),
        **_base(session, request),
    )


def _not_found(session, request) -> HTMLResponse:
    return _page("missing.html", status=404, **_base(session, request))


def _technology(request: Request) -> HTMLResponse:
    slug = request.path_params["slug"]
    with unit_of_work() as session:
        technology = public.technology(session, slug)
        if technology is None:
            return _not_found(session, request)
        if _counted(request):
            metrics.record_view(
                session,
                disclosure_id=public.disclosure_of(session, slug),
                visitor_id=_visitor(session, request),
            )
        return _technology_page(session, request, technology)


def _inquiry(request: Request, fields: dict) -> Response:
    slug = request.path_params["slug"]
    form = inquiries.InquiryForm(
        **{name: fields.get(name, "") for name in inquiries.InquiryForm.__dataclass_fields__}
    )
    try:
        with unit_of_work() as session:
            if public.technology(session, slug) is None:
                return _not_found(session, request)
            inquiries.submit(session, slug=slug, form=form, visitor_id=_visitor(session, request))
    except NotFound:
        with unit_of_work() as session:
            return _not_found(session, request)
    except ValidationError as error:
        status = 429 if isinstance(error, inquiries.TooManyInquiries) else 400
        with unit_of_work() as session:
            technology = public.technology(session, slug)
            return _technology_page(
                session, request, technology, form=form, error=str(error), status=status
            )
    target = str(request.url_for("technology", slug=slug)) + "?sent=1#inquiry"
    return RedirectResponse(target, status_code=303)


async def list_page(request: Request) -> Response:
    return await run_in_threadpool(_list, request)


async def technology_page(request: Request) -> Response:
    return await run_in_threadpool(_technology, request)


async def inquiry(request: Request) -> Response:
    if int(request.headers.get("content-length") or 0) > FORM_MAX_BYTES:
        return Response("Too long.", status_code=413)
    async with request.form(max_files=0, max_fields=20) as data:
        fields = {name: value for name, value in data.items() if isinstance(value, str)}
    return await run_in_threadpool(_inquiry, request, fields)


def _image(request: Request) -> Response:
    with unit_of_work() as session:
        found = public.image(session, request.path_params["slug"])
    if found is None:
        return Response(status_code=404)
    sha256, content_type = found
    return Response(
        file_store.get(IMAGE_KIND, sha256),
        media_type=content_type,
        headers=HEADERS | {"Cache-Control": "public, max-age=3600"},
    )


async def image(request: Request) -> Response:
    return await run_in_threadpool(_image, request)


def _sitemap(request: Request) -> Response:
    with unit_of_work() as session:
        pages = public.sitemap(session)
    root = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    entry = ET.SubElement(root, "url")
    ET.SubElement(entry, "loc").text = str(request.url_for("catalogue"))
    for slug, changed in pages:
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = str(request.url_for("technology", slug=slug))
        ET.SubElement(entry, "lastmod").text = changed.astimezone(UTC).date().isoformat()
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/xml")


async def sitemap(request: Request) -> Response:
    return await run_in_threadpool(_sitemap, request)


def _stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed(request: Request) -> Response:
    with unit_of_work() as session:
        newest = public.newest(session)
        parties = office_settings.parties(session)
    atom = "http://www.w3.org/2005/Atom"
    root = ET.Element("feed", xmlns=atom)
    ET.SubElement(root, "title").text = f"{parties.university_name}: new technologies"
    ET.SubElement(root, "id").text = str(request.url_for("catalogue"))
    ET.SubElement(root, "link", href=str(request.url_for("catalogue")))
    ET.SubElement(root, "link", rel="self", href=str(request.url_for("feed")))
    latest = max((t.first_published_at for t in newest), default=None)
    ET.SubElement(root, "updated").text = _stamp(latest) if latest else "1970-01-01T00:00:00Z"
    ET.SubElement(ET.SubElement(root, "author"), "name").text = parties.office_name
    for technology in newest:
        url = str(request.url_for("technology", slug=technology.slug))
        item = ET.SubElement(root, "entry")
        ET.SubElement(item, "title").text = technology.title
        ET.SubElement(item, "id").text = url
        ET.SubElement(item, "link", href=url)
        ET.SubElement(item, "published").text = _stamp(technology.first_published_at)
        ET.SubElement(item, "updated").text = _stamp(technology.published_at)
        ET.SubElement(item, "summary").text = technology.summary
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml")


async def feed(request: Request) -> Response:
    return await run_in_threadpool(_feed, request)


STYLE = (Path(__file__).parent / "templates" / "style.css").read_bytes()


async def style(request: Request) -> Response:
    return Response(STYLE, media_type="text/css", headers={"Cache-Control": "public, max-age=600"})


def application() -> Starlette:
    return Starlette(
        routes=[
            Route("/", list_page, name="catalogue"),
            Route("/t/{slug}", technology_page, name="technology"),
            Route("/t/{slug}/inquiry", inquiry, methods=["POST"], name="inquiry"),
            Route("/t/{slug}/image", image, name="image"),
            Route("/sitemap.xml", sitemap, name="sitemap"),
            Route("/feed.xml", feed, name="feed"),
            Route("/style.css", style, name="style"),
        ]
    )


PREFIX = "catalogue"


def mount_path(base_url_path: str = "") -> str:
    """Where the catalogue answers, under Streamlit's `server.baseUrlPath`."""
    base = base_url_path.strip("/")
    return f"/{base}/{PREFIX}" if base else f"/{PREFIX}"
