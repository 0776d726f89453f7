"""A catalog's `prompt:` block (an agent's, or one given to `prompt push`): templates, variables, model parameters."""

from __future__ import annotations

import functools

from promptsaas.application.catalog.schema import Node
from promptsaas.domain.prompts import ModelParams, PromptContent
from promptsaas.domain.templates import Variable, VariableType

PROMPT_KEYS = ("system", "user", "variables", "model", "params", "note")


def read_prompt(node: Node) -> PromptContent | None:
    """The prompt content, or `None` with every problem recorded on `node`."""
    if not node.mapping(PROMPT_KEYS, required=True):
        return None
    system = node.child("system").get(str, required=True)
    user = node.child("user").get(str)
    model = node.child("model").get(str, required=True)
    variables = _variables(node.child("variables"))
    params = _params(node.child("params"))
    if system is None or model is None or variables is None or params is None:
        return None
    return node.build(lambda: PromptContent(system, model, user, tuple(variables), params))


def _variables(node: Node) -> list[Variable] | None:
    if not node.present:
        return []
    if not isinstance(node.value, dict):
        node.fail("must be a mapping of variable name to declaration")
        return None
    out: list[Variable] = []
    found = len(node.problems.items)
    for name in node.value:
        var = node.child(str(name))
        if not var.mapping(("type", "required", "default", "values", "max_length")):
            continue
        kind = var.child("type").choice(tuple(t.value for t in VariableType), "string")
        values = [v.get(str, "") for v in var.child("values").items()]
        required = var.child("required").get(bool, False)
        max_length = var.child("max_length").count()
        default = var.child("default").get((str, int, float, bool))
        built = var.build(
            functools.partial(Variable, str(name), VariableType(kind), required, default, tuple(values), max_length)
        )
        if built:
            out.append(built)
    # a rejected declaration is reported once, not again as an undeclared placeholder of every template using it
    return out if len(node.problems.items) == found else None


def _params(node: Node) -> ModelParams | None:
    if not node.present:
        return ModelParams()
    if not node.mapping(("temperature", "max_output_tokens", "top_p", "stop")):
        return None
    temperature = node.child("temperature").get((int, float))
    max_tokens = node.child("max_output_tokens").get(int)
    top_p = node.child("top_p").get((int, float))
    stop = tuple(s.get(str, "") for s in node.child("stop").items())
    return node.build(lambda: ModelParams(temperature, max_tokens, top_p, stop))
