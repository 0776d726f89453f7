"""What every request must be before a handler sees it: a UTF-8 body (a multipart form's files excepted), and no NUL
byte in any string of the body (JSON or a form's fields), the path or the query (PostgreSQL cannot store one, SQLite
would store it silently). A refusal names the field.

One `before_request` hook for every route: a byte search per request, a walk of the body only when a NUL is there.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from promptsaas.domain.errors import InvalidInput

NUL = "\x00"
_NUL_BYTES = (b"\x00", b"\\u0000")
_FORM_NUL_BYTES = (b"\x00", b"%00")
_MULTIPART = "multipart/form-data"
_FORMS = ("application/x-www-form-urlencoded", _MULTIPART)


async def refuse_hostile_input(request: Request[Any, Any, Any]) -> None:
    for name, value in request.path_params.items():
        if isinstance(value, str) and NUL in value:
            raise _nul(name)
    if b"%00" in request.scope.get("query_string", b""):
        name = next((k for k, v in request.query_params.multi_items() if NUL in k or NUL in v), "query")
        raise _nul(name)
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    body = await request.body()
    if not body:
        return
    content_type = request.headers.get("content-type", "").lower()
    if not content_type.startswith(_MULTIPART):  # a multipart form's files are bytes; its text fields decode alone
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("the body is not valid UTF-8", field="body") from None
    if content_type.startswith(_FORMS):
        if any(marker in body for marker in _FORM_NUL_BYTES):
            await _refuse_nul_in_form(request)
        return
    if any(marker in body for marker in _NUL_BYTES):
        try:
            document = msgspec.json.decode(body)
        except (msgspec.DecodeError, RecursionError):
            return  # not JSON: the handler's own decoding refuses it
        where = nul_path(document)
        if where is not None:
            raise _nul(where or "body")


async def _refuse_nul_in_form(request: Request[Any, Any, Any]) -> None:
    """A form's text fields and field names (a file's bytes may hold NUL: only its declared name is checked)."""
    form = await request.form()
    for name, value in form.multi_items():
        text = value if isinstance(value, str) else (getattr(value, "filename", "") or "")
        if NUL in name or NUL in text:
            raise _nul(name)


def nul_path(value: Any, path: str = "") -> str | None:
    """The path (`messages[0].content`) of the first string holding a NUL byte, or `None`."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if NUL in key:
                return child
            found = nul_path(item, child)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _nul(field: str) -> InvalidInput:
    return InvalidInput(f"{field} must not contain a NUL byte", field=field)
