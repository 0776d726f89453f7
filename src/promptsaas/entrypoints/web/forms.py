"""Form fields to and from what the services take: a prompt's declared variables as inputs, and back as values;
whole numbers typed into a form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promptsaas.application.access import LimitView
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.templates import Variable, VariableType

PREFIX = "var."
MAX_DIGITS = 100
"""Longer than any bound the services check (`domain.bounds`), short enough for `int` to read at once."""


@dataclass(frozen=True, slots=True)
class Field:
    """One input of the variables form, as the template draws it."""

    name: str
    kind: str
    """select | checkbox | number | text"""
    required: bool
    default: str
    values: tuple[str, ...] = ()
    step: str = ""
    max_length: int | None = None

    @property
    def input_name(self) -> str:
        return f"{PREFIX}{self.name}"


def fields(variables: tuple[Variable, ...]) -> list[Field]:
    out = []
    for v in variables:
        default = "" if v.default is None else str(v.default).lower() if isinstance(v.default, bool) else str(v.default)
        match v.type:
            case VariableType.ENUM:
                out.append(Field(v.name, "select", v.required, default, v.values))
            case VariableType.BOOLEAN:
                out.append(Field(v.name, "checkbox", v.required, default))
            case VariableType.INTEGER:
                out.append(Field(v.name, "number", v.required, default, step="1"))
            case VariableType.NUMBER:
                out.append(Field(v.name, "number", v.required, default, step="any"))
            case _:
                out.append(Field(v.name, "text", v.required, default, max_length=v.max_length))
    return out


def values(variables: tuple[Variable, ...], form: dict[str, str]) -> dict[str, Any]:
    """The submitted variables typed as declared; an empty field is left out so the default applies."""
    out: dict[str, Any] = {}
    for v in variables:
        raw = form.get(f"{PREFIX}{v.name}")
        if v.type is VariableType.BOOLEAN:
            out[v.name] = raw is not None
            continue
        if raw is None or raw.strip() == "":
            continue
        out[v.name] = _typed(v, raw.strip())
    return out


def _typed(v: Variable, raw: str) -> Any:
    try:
        if v.type is VariableType.INTEGER:
            return int(raw)
        if v.type is VariableType.NUMBER:
            return float(raw)
    except ValueError:
        raise InvalidInput(f"variable {v.name!r} must be {v.type.value}, got {raw!r}", field=v.name) from None
    return raw


def limit_lines(limits: list[LimitView]) -> list[dict[str, Any]]:
    """Limits as the pages list them: what, used of how many, how many left, when it resets."""
    return [
        {
            "metric": view.metric,
            "window": view.window.replace("_", " "),
            "limit": view.limit,
            "used": view.used,
            "remaining": view.remaining,
            "resets_at": view.resets_at,
            "exhausted": view.remaining == 0,
        }
        for view in limits
    ]


def whole_number(raw: str, field: str) -> int | None:
    """A whole number typed into a form (`None` when blank); how large it may be is the services' rule."""
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput(f"{field} must be a whole number, got {raw[:40]!r}", field=field)
    if len(raw) > MAX_DIGITS:
        raise InvalidInput(f"{field} must be a whole number of at most {MAX_DIGITS} digits", field=field)
    return int(raw)
