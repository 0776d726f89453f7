"""Strict `{{ name }}` templates with typed variables.

Rendering never lets a placeholder through: an unknown placeholder, a missing required value or a value of the
wrong type is a `TemplateError` naming the variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from promptsaas.domain.errors import TemplateError

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")  # \Z, not $: "name\n" is not a name
INPUT = "input"
"""The reserved variable holding the user's message in a `user` template."""

Value = str | int | float | bool


class VariableType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    ENUM = "enum"


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared template variable: its type, whether it is required, its default and bounds."""

    name: str
    type: VariableType = VariableType.STRING
    required: bool = False
    default: Value | None = None
    values: tuple[str, ...] = ()
    max_length: int | None = None

    def __post_init__(self) -> None:
        if not NAME.match(self.name) or self.name == INPUT:
            raise TemplateError(f"variable name {self.name!r} is not allowed", field=self.name)
        if self.type is VariableType.ENUM and not self.values:
            raise TemplateError(f"enum variable {self.name!r} needs values", field=self.name)
        if self.default is not None:
            self.check(self.default)

    def check(self, value: object) -> Value:
        """Return `value` if it fits this declaration, else raise a `TemplateError` naming the variable."""
        ok = _CHECKS[self.type](value)
        if ok and self.type is VariableType.ENUM and value not in self.values:
            ok = False
        if not ok:
            expected = f"one of {list(self.values)}" if self.type is VariableType.ENUM else self.type.value
            raise TemplateError(f"variable {self.name!r} must be {expected}, got {value!r}", field=self.name)
        if self.max_length is not None and len(str(value)) > self.max_length:
            raise TemplateError(f"variable {self.name!r} is longer than {self.max_length} characters", field=self.name)
        return value  # type: ignore[return-value]

    def describe(self) -> dict[str, object]:
        out: dict[str, object] = {"type": self.type.value}
        if self.required:
            out["required"] = True
        if self.default is not None:
            out["default"] = self.default
        if self.values:
            out["values"] = list(self.values)
        if self.max_length is not None:
            out["max_length"] = self.max_length
        return out


_CHECKS = {
    VariableType.STRING: lambda v: isinstance(v, str),
    VariableType.ENUM: lambda v: isinstance(v, str),
    VariableType.INTEGER: lambda v: isinstance(v, int) and not isinstance(v, bool),
    VariableType.NUMBER: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    VariableType.BOOLEAN: lambda v: isinstance(v, bool),
}


def placeholders(template: str) -> list[str]:
    """Names used by a template, in order of first appearance."""
    return list(dict.fromkeys(PLACEHOLDER.findall(template)))


def check_template(template: str, variables: Iterable[Variable], *, allow_input: bool, where: str) -> None:
    """Refuse a template that uses a name the declaration does not know."""
    known = {v.name for v in variables} | ({INPUT} if allow_input else set())
    for name in placeholders(template):
        if name not in known:
            raise TemplateError(f"{where} uses undeclared variable {name!r}", field=name)
    stray = PLACEHOLDER.sub("", template)
    if "{{" in stray or "}}" in stray:
        raise TemplateError(f"{where} has a malformed placeholder (use {{{{ name }}}})", field=where)


def resolve(variables: Iterable[Variable], given: Mapping[str, object]) -> dict[str, Value]:
    """Type-check the given values, fill defaults, and refuse unknown or missing variables."""
    declared = {v.name: v for v in variables}
    for name in given:
        if name not in declared:
            raise TemplateError(f"unknown variable {name!r}", field=name)
    values: dict[str, Value] = {}
    for name, spec in declared.items():
        if name in given and given[name] is not None:
            values[name] = spec.check(given[name])
        elif spec.default is not None:
            values[name] = spec.default
        elif spec.required:
            raise TemplateError(f"variable {name!r} is required", field=name)
        else:
            values[name] = ""
    return values


def render(template: str, values: Mapping[str, Value]) -> str:
    """Substitute every placeholder; a placeholder without a value is an error, never left in the text."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(f"variable {name!r} has no value", field=name)
        value = values[name]
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return PLACEHOLDER.sub(substitute, template)
