"""The API docs over a real socket: served at `/schema` (`GET /` is the web app), and the page loads nothing from
another origin, so it renders without internet."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from promptsaas.entrypoints.http.docs import STATIC, SWAGGER_UI_VERSION
from tests.e2e.http.server_process import ServerProcess, start_server

CONTENT_TYPES = {".js": ("text/javascript", "application/javascript"), ".css": ("text/css",), ".png": ("image/png",)}
ANY_URL = re.compile(r"\b(?:https?:)?//[\w.-]+", re.IGNORECASE)


class Assets(HTMLParser):
    """Every URL the page makes the browser fetch: scripts, stylesheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.document: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if found.get(name):
                self.urls.append(str(found[name]))
        if found.get("data-url"):
            self.document = found["data-url"]


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir: Path = tmp_path_factory.mktemp("docs")
    server = start_server(f"sqlite:///{workdir / 'promptsaas.db'}", workdir)
    try:
        yield server
    finally:
        server.stop()


def test_the_root_is_the_web_app_and_the_docs_stay_at_schema(docs_server: ServerProcess) -> None:
    with docs_server.client() as http:
        response = http.get("/", follow_redirects=False)
        assert response.is_redirect
        assert response.headers["location"] == "/login"
        assert http.get("/", follow_redirects=True).headers["content-type"].startswith("text/html")
        assert http.get("/schema").status_code == 200


def test_every_asset_of_the_docs_page_is_served_by_the_app_itself(docs_server: ServerProcess) -> None:
    with docs_server.client() as http:
        page = http.get("/schema")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert not ANY_URL.search(page.text), f"the docs page names another origin: {ANY_URL.findall(page.text)}"
        assets = Assets()
        assets.feed(page.text)
        assert {Path(u).suffix for u in assets.urls} >= {".js", ".css"}, assets.urls
        for url in assets.urls:
            assert re.match(r"/[^/]", url), f"{url} is not a path on this origin"
            response = http.get(url)
            assert response.status_code == 200, url
            assert response.headers["content-type"].startswith(CONTENT_TYPES[Path(url).suffix]), url
            assert len(response.content) > 0, url
        assert assets.document == "/schema/openapi.json"
        assert http.get(assets.document).json()["info"]["title"] == "promptsaas"


def test_the_vendored_renderer_is_the_pinned_version() -> None:
    package = json.loads((STATIC / "swagger-ui" / "package.json").read_text())
    assert (package["name"], package["version"]) == ("swagger-ui-dist", SWAGGER_UI_VERSION)
    assert (STATIC / "swagger-ui" / "LICENSE").is_file()
