"""`GET /`: until the web app takes that path, it leads to the API docs."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Redirect


class HomeController(Controller):
    include_in_schema = False

    @get("/")
    async def home(self) -> Redirect:
        """A redirect to the interactive docs at `/schema`."""
        return Redirect(path="/schema")
