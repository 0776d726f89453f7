"""An agent's declared variables as set in a chat: typed from the text the person wrote."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from promptsaas.domain.errors import TemplateError
from promptsaas.domain.templates import Value, Variable, VariableType

TRUE = {"true", "yes", "on", "1"}
FALSE = {"false", "no", "off", "0"}


def parse_variable(declared: Iterable[Variable], name: str, text: str) -> Value:
    """The value of `text` for the declared variable `name`, checked against its declaration."""
    spec = next((v for v in declared if v.name == name), None)
    if spec is None:
        names = ", ".join(v.name for v in declared) or "none"
        raise TemplateError(f"this agent has no variable {name!r} (its variables: {names})", field=name)
    value: object = text
    try:
        if spec.type is VariableType.INTEGER:
            value = int(text)
        elif spec.type is VariableType.NUMBER:
            value = float(text)
    except ValueError:
        raise TemplateError(f"{name} must be a {spec.type.value}", field=name) from None
    if spec.type is VariableType.BOOLEAN:
        lowered = text.strip().lower()
        if lowered not in TRUE | FALSE:
            raise TemplateError(f"{name} must be yes or no", field=name)
        value = lowered in TRUE
    return spec.check(value)


def typed_variables(declared: Iterable[Variable], texts: Mapping[str, str]) -> dict[str, Value]:
    """The chat's variables that the agent still declares, typed; stale ones (from an older version) are dropped."""
    specs = list(declared)
    known = {v.name for v in specs}
    out: dict[str, Value] = {}
    for name, text in texts.items():
        if name in known:
            try:
                out[name] = parse_variable(specs, name, text)
            except TemplateError:
                continue
    return out
