"""Strict `{{ name }}` templates: declared, typed variables; nothing unrendered ever reaches the model."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promptsaas.domain.errors import TemplateError
from promptsaas.domain.models import split_model_ref
from promptsaas.domain.prompts import PromptContent
from promptsaas.domain.templates import (
    PLACEHOLDER,
    Value,
    Variable,
    VariableType,
    check_template,
    placeholders,
    render,
    resolve,
)

PROPERTIES = settings(max_examples=200, deadline=None)
LEVEL = Variable("level", VariableType.ENUM, values=("beginner", "expert"), default="beginner")

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True).filter(lambda n: n != "input")
text = st.text(st.characters(blacklist_characters="{}", blacklist_categories=["Cs"]), max_size=20)
VALUES: dict[VariableType, st.SearchStrategy[Value]] = {
    VariableType.STRING: text,
    VariableType.INTEGER: st.integers(),
    VariableType.NUMBER: st.integers() | st.floats(allow_nan=False),
    VariableType.BOOLEAN: st.booleans(),
    VariableType.ENUM: st.sampled_from(("a", "b")),
}


@st.composite
def declarations(draw: st.DrawFn) -> list[Variable]:
    out = []
    for name in draw(st.lists(names, min_size=1, max_size=5, unique=True)):
        kind = draw(st.sampled_from(VariableType))
        values = ("a", "b") if kind is VariableType.ENUM else ()
        default = draw(st.none() | VALUES[kind])
        out.append(Variable(name, kind, draw(st.booleans()), default, values))
    return out


@st.composite
def templates(draw: st.DrawFn, variables: list[Variable]) -> str:
    """Text interleaved with placeholders of declared names, spaced in every way the syntax allows."""
    pieces = [draw(text)]
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from([v.name for v in variables]))
        pad = st.sampled_from(["", " ", "  ", "\t"])
        pieces += ["{{" + draw(pad) + name + draw(pad) + "}}", draw(text)]
    return "".join(pieces)


@st.composite
def given_values(draw: st.DrawFn, variables: list[Variable]) -> dict[str, object]:
    """Values for every required variable and some optional ones, each of its declared type."""
    return {
        v.name: draw(VALUES[v.type]) for v in variables if (v.required and v.default is None) or draw(st.booleans())
    }


@PROPERTIES
@given(st.data())
def test_no_placeholder_survives_rendering(data: st.DataObject) -> None:
    variables = data.draw(declarations())
    template = data.draw(templates(variables))
    check_template(template, variables, allow_input=False, where="system")

    rendered = render(template, resolve(variables, data.draw(given_values(variables))))

    assert PLACEHOLDER.search(rendered) is None
    assert "{{" not in rendered


@PROPERTIES
@given(st.data())
def test_rendering_puts_each_value_where_its_placeholder_was(data: st.DataObject) -> None:
    variables = data.draw(declarations())
    given = data.draw(given_values(variables))
    values = resolve(variables, given)
    name = variables[0].name

    rendered = render("<{{ " + name + " }}>", values)

    expected = values[name]
    shown = ("true" if expected else "false") if isinstance(expected, bool) else str(expected)
    assert rendered == f"<{shown}>"
    if name in given:
        assert values[name] == given[name]


@pytest.mark.parametrize(
    ("kind", "wrong"),
    [
        (VariableType.INTEGER, "3"),
        (VariableType.INTEGER, True),
        (VariableType.INTEGER, 3.0),
        (VariableType.NUMBER, "1.5"),
        (VariableType.NUMBER, False),
        (VariableType.BOOLEAN, 1),
        (VariableType.BOOLEAN, "true"),
        (VariableType.STRING, 42),
        (VariableType.ENUM, 1),
    ],
)
def test_a_value_of_the_wrong_type_is_rejected_naming_the_variable(kind: VariableType, wrong: object) -> None:
    declared = Variable("count", kind, values=("a", "b") if kind is VariableType.ENUM else ())

    with pytest.raises(TemplateError) as raised:
        resolve([declared], {"count": wrong})

    assert raised.value.field == "count"
    assert raised.value.code == "invalid_variables"
    assert "count" in raised.value.message


@PROPERTIES
@given(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans())
def test_values_of_the_declared_type_are_accepted(whole: int, real: float, flag: bool) -> None:
    declared = [
        Variable("n", VariableType.INTEGER),
        Variable("x", VariableType.NUMBER),
        Variable("b", VariableType.BOOLEAN),
    ]

    assert resolve(declared, {"n": whole, "x": real, "b": flag}) == {"n": whole, "x": real, "b": flag}


def test_an_enum_rejects_a_value_outside_its_list() -> None:
    with pytest.raises(TemplateError, match="one of") as raised:
        resolve([LEVEL], {"level": "wizard"})

    assert raised.value.field == "level"


@PROPERTIES
@given(st.text(max_size=12))
def test_a_string_longer_than_max_length_is_rejected(value: str) -> None:
    short = Variable("topic", max_length=5)

    if len(value) <= 5:
        assert resolve([short], {"topic": value}) == {"topic": value}
    else:
        with pytest.raises(TemplateError, match="longer than 5") as raised:
            resolve([short], {"topic": value})
        assert raised.value.field == "topic"


def test_an_unknown_variable_is_rejected_naming_it() -> None:
    with pytest.raises(TemplateError, match="unknown variable 'levle'") as raised:
        resolve([LEVEL], {"levle": "expert"})

    assert raised.value.field == "levle"


def test_a_missing_required_variable_is_rejected_naming_it() -> None:
    with pytest.raises(TemplateError, match="required") as raised:
        resolve([Variable("topic", required=True)], {})

    assert raised.value.field == "topic"


def test_defaults_fill_omitted_variables_and_optional_ones_render_empty() -> None:
    declared = [LEVEL, Variable("topic"), Variable("strict", VariableType.BOOLEAN, default=False)]

    values = resolve(declared, {})

    assert values == {"level": "beginner", "topic": "", "strict": False}
    assert render("{{ level }}|{{topic}}|{{ strict }}", values) == "beginner||false"


def test_a_value_that_looks_like_a_placeholder_is_inserted_literally_not_expanded() -> None:
    declared = [Variable("topic"), Variable("secret", default="hidden")]

    rendered = render("About {{ topic }}", resolve(declared, {"topic": "{{ secret }}"}))

    assert rendered == "About {{ secret }}"
    assert "hidden" not in rendered


def test_rendering_a_placeholder_without_a_value_is_an_error_not_a_leak() -> None:
    with pytest.raises(TemplateError) as raised:
        render("Hi {{ name }}", {})

    assert raised.value.field == "name"


@pytest.mark.parametrize(
    ("template", "culprit"),
    [("You teach {{ subject }}.", "subject"), ("{{level}} {{ input }}", "input")],
    ids=["undeclared", "input-in-system"],
)
def test_an_undeclared_placeholder_is_rejected_naming_it(template: str, culprit: str) -> None:
    with pytest.raises(TemplateError) as by_check:
        check_template(template, [LEVEL], allow_input=False, where="system")
    with pytest.raises(TemplateError) as by_content:
        PromptContent(system=template, model="offline:echo", variables=(LEVEL,))

    assert by_check.value.field == culprit
    assert by_content.value.field == culprit


@pytest.mark.parametrize("template", ["Hello {{ level }", "{{ 1st }}", "{{ level }}}}"])
def test_a_malformed_placeholder_is_rejected(template: str) -> None:
    with pytest.raises(TemplateError, match="malformed"):
        check_template(template, [LEVEL], allow_input=False, where="system")


def test_the_user_template_may_use_input() -> None:
    content = PromptContent(system="{{ level }} tutor", model="offline:echo", user="Q: {{ input }}", variables=(LEVEL,))

    assert placeholders(content.user or "") == ["input"]
    assert split_model_ref(content.model) == ("offline", "echo")


@pytest.mark.parametrize(
    "declaration",
    [
        lambda: Variable("input"),
        lambda: Variable("2fast"),
        lambda: Variable("level\n"),
        lambda: Variable("level", VariableType.ENUM),
        lambda: Variable("level", VariableType.ENUM, values=("a",), default="b"),
        lambda: Variable("n", VariableType.INTEGER, default="3"),
    ],
    ids=[
        "reserved-input",
        "bad-name",
        "trailing-newline",
        "enum-without-values",
        "default-outside-enum",
        "mistyped-default",
    ],
)
def test_a_bad_declaration_is_rejected(declaration: Callable[[], Variable]) -> None:
    with pytest.raises(TemplateError):
        declaration()
