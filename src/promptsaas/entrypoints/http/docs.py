"""The interactive API docs at `/schema`: Swagger UI from files the app serves itself, so they render offline.

The renderer is pinned: `static/swagger-ui/` holds `swagger-ui-dist` at `SWAGGER_UI_VERSION`, unmodified from the
npm package (the README says how to update it); nothing on the page comes from another origin.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.router import Router
from litestar.static_files import create_static_files_router

SWAGGER_UI_VERSION = "5.35.0"
STATIC = Path(str(files("promptsaas.entrypoints.http") / "static"))
ASSETS = "/static"
"""Where, under the docs' path, the static files are served."""


class SwaggerDocs(OpenAPIRenderPlugin):
    """Swagger UI over the app's own copy of its assets; the page names no other origin."""

    def __init__(self) -> None:
        super().__init__(path="/swagger", favicon="", style="")
        self.assets = ASSETS

    def receive_router(self, router: Router) -> None:
        self.assets = f"{router.path.rstrip('/')}{ASSETS}"
        router.register(create_static_files_router(path=ASSETS, directories=[STATIC], include_in_schema=False))

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema["info"]["title"]))
        ui = f"{self.assets}/swagger-ui"
        document = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} API</title>
<link rel="icon" type="image/png" href="{ui}/favicon-32x32.png">
<link rel="stylesheet" href="{ui}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ui}/swagger-ui-bundle.js"></script>
<script src="{self.assets}/docs.js" data-url="{document}"></script>
</body>
</html>
""".encode()
