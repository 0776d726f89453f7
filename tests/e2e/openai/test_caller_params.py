"""A caller's sampling parameters reach the provider within the agent's own, and an agent that opts in hears the
client's own instructions after its prompt: the official SDK against promptsaas and the provider stub."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest

from tests.e2e.openai.conftest import Served

ASK = [{"role": "user", "content": "Hello"}]
SENT_KEYS = ("temperature", "top_p", "max_completion_tokens", "stop")


@pytest.mark.parametrize(
    ("asked", "sent"),
    [
        ({}, (0.7, 0.9, 300, ["###"])),
        (
            {"temperature": 0.2, "top_p": 0.5, "max_tokens": 50, "stop": ["END"]},
            (0.2, 0.5, 50, ["###", "END"]),
        ),
        (
            {"temperature": 1.5, "top_p": 1.0, "max_completion_tokens": 5000, "stop": "###"},
            (0.7, 0.9, 300, ["###"]),
        ),
        ({"max_tokens": 80, "max_completion_tokens": 40}, (0.7, 0.9, 40, ["###"])),
    ],
    ids=["agents-own", "caller-lowers", "caller-capped", "smaller-of-both-budgets"],
)
async def test_the_callers_parameters_reach_the_provider_never_above_the_agents(
    served: Served, asked: dict[str, Any], sent: tuple[Any, ...]
) -> None:
    await served.client().chat.completions.create(model="gpt", messages=ASK, **asked)  # type: ignore[arg-type]

    body = served.stub.received[0].body
    assert tuple(body.get(key) for key in SENT_KEYS) == sent


async def test_a_streamed_call_is_capped_the_same_way(served: Served) -> None:
    stream = await served.client().chat.completions.create(
        model="gpt",
        messages=ASK,  # type: ignore[arg-type]
        stream=True,
        temperature=2.0,
        max_tokens=20,
    )
    [chunk async for chunk in stream]

    body = served.stub.received[0].body
    assert (body["temperature"], body["max_completion_tokens"]) == (0.7, 20)


@pytest.mark.parametrize("limits", [[{"metric": "tokens", "window": "day", "amount": 250}]])
async def test_a_smaller_max_tokens_reserves_less_so_it_fits_a_budget_the_agents_own_would_not(
    served: Served,
) -> None:
    with pytest.raises(openai.APIStatusError) as whole_budget:
        await served.client().chat.completions.create(model="gpt", messages=ASK)  # type: ignore[arg-type]
    reply = await served.client().chat.completions.create(model="gpt", messages=ASK, max_tokens=100)  # type: ignore[arg-type]

    assert (whole_budget.value.status_code, whole_budget.value.code) == (402, "quota_exceeded")
    assert reply.choices[0].message.content
    assert len(served.stub.received) == 1, "only the call within the budget reached the provider"
    assert await served.pending() == 0


@pytest.mark.parametrize(
    ("asked", "param"),
    [
        ({"temperature": 2.5}, "temperature"),
        ({"top_p": 0}, "top_p"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"stop": ["a", "b", "c", "d"]}, "stop"),
    ],
)
async def test_a_parameter_out_of_range_is_a_400_naming_it(served: Served, asked: dict[str, Any], param: str) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await served.client().chat.completions.create(model="gpt", messages=ASK, **asked)  # type: ignore[arg-type]

    assert (refused.value.code, refused.value.param) == ("invalid_request", param)
    assert served.stub.received == []


CLIENT_INSTRUCTIONS = [
    {"role": "system", "content": "Answer in French."},
    {"role": "developer", "content": "Be brief."},
    {"role": "user", "content": "Hello"},
]


async def test_an_agent_that_accepts_client_instructions_hears_them_after_its_own_prompt(served: Served) -> None:
    await served.client().chat.completions.create(model="open", messages=CLIENT_INSTRUCTIONS)  # type: ignore[arg-type]

    sent = served.stub.received[0].messages
    assert sent[0] == {"role": "system", "content": "You are open.\n\nAnswer in French.\n\nBe brief."}
    assert [m["content"] for m in sent[1:]] == ["Hello"]


async def test_an_agent_that_does_not_opt_in_never_hears_client_instructions(served: Served) -> None:
    await served.client().chat.completions.create(model="gpt", messages=CLIENT_INSTRUCTIONS)  # type: ignore[arg-type]

    sent = served.stub.received[0].messages
    assert sent[0] == {"role": "system", "content": "You are gpt."}
    assert "French" not in str(sent)
    assert "brief" not in str(sent)


async def test_an_admin_turns_the_opt_in_on_and_the_next_call_hears_the_clients_instructions(
    served: Served,
) -> None:
    await served.tenant.create_user("boss@example.com", role="admin")
    admin_key = await served.tenant.create_api_key("boss@example.com", "console")
    headers = {"Authorization": f"Bearer {admin_key}"}
    async with httpx.AsyncClient(base_url=served.url, headers=headers) as admin:
        shown = (await admin.get("/v1/admin/agents/gpt")).json()
        changed = await admin.patch("/v1/admin/agents/gpt", json={"accepts_client_system": True})

    await served.client().chat.completions.create(model="gpt", messages=CLIENT_INSTRUCTIONS)  # type: ignore[arg-type]

    assert shown["accepts_client_system"] is False
    assert changed.status_code == 200
    assert changed.json()["accepts_client_system"] is True
    system = served.stub.received[0].messages[0]["content"]
    assert system == "You are gpt.\n\nAnswer in French.\n\nBe brief."
