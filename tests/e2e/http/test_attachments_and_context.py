"""Images and long input over HTTP: a `data:` URL image reaches the model on every surface, every bad image is a 400
naming the attachment, a URL into the server's own network is refused, and an input no context window holds is a
400 `input_too_long` that charges nothing."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.http.world import World

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(32)).decode()
DATA_URL = f"data:image/png;base64,{PNG}"
NOT_AN_IMAGE = base64.b64encode(b"#!/bin/sh\necho owned\n").decode()


def problem_of(response: Any) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["code"], body.get("field")


async def run(world: World, **body: Any) -> Any:
    return await world.client.post(
        "/v1/agents/tutor/runs", json={"input": "What is this?", **body}, headers=world.a.member.bearer
    )


async def records(world: World) -> int:
    async with world.platform.container.uow()() as uow:
        return len(await uow.usage.records(world.a.id))


async def test_a_data_url_image_reaches_the_model(any_world: World) -> None:
    response = await run(any_world, attachments=[{"url": DATA_URL}])

    assert response.status_code == 200, response.text
    assert response.json()["text"] == "You said: What is this? [1 image]"


async def test_a_data_url_image_reaches_the_model_through_the_openai_surface(any_world: World) -> None:
    content = [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": DATA_URL}}]
    response = await any_world.client.post(
        "/v1/chat/completions",
        json={"model": "tutor", "messages": [{"role": "user", "content": content}]},
        headers=any_world.a.member.bearer,
    )

    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == "You said: What is this? [1 image]"


@pytest.mark.parametrize(
    ("attachment", "code"),
    [
        ({"url": "https://93.184.215.14/cat.png", "data": PNG, "mime_type": "image/png"}, "attachment_invalid"),
        ({"url": DATA_URL, "data": PNG}, "attachment_invalid"),
        ({"data": "", "mime_type": "image/png"}, "attachment_invalid"),
        ({"url": "data:image/png;base64,"}, "attachment_invalid"),
        ({"data": NOT_AN_IMAGE, "mime_type": "image/png"}, "attachment_invalid"),
        ({"url": f"data:image/jpeg;base64,{PNG}"}, "attachment_invalid"),
        ({"url": "file:///etc/passwd"}, "attachment_invalid"),
        ({"url": "http://127.0.0.1:8000/v1/admin/users"}, "attachment_url_not_allowed"),
        ({"url": "http://localhost/x.png"}, "attachment_url_not_allowed"),
        ({"url": "http://2130706433/x.png"}, "attachment_url_not_allowed"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "attachment_url_not_allowed"),
        ({"url": "http://10.0.0.7/x.png"}, "attachment_url_not_allowed"),
        ({"url": "http://192.168.1.1/x.png"}, "attachment_url_not_allowed"),
        ({"url": "http://[::1]/x.png"}, "attachment_url_not_allowed"),
        ({"url": "http://[::ffff:127.0.0.1]/x.png"}, "attachment_url_not_allowed"),
        ({"url": "http://0.0.0.0/x.png"}, "attachment_url_not_allowed"),
    ],
)
async def test_a_bad_attachment_is_a_400_naming_it_and_charges_nothing(
    app_world: World, attachment: dict[str, str], code: str
) -> None:
    response = await run(app_world, attachments=[{"url": "https://93.184.215.14/ok.png"}, attachment])

    assert problem_of(response) == (400, code, "attachments[1]"), response.text
    assert await app_world.platform.container.ledger().pending() == 0
    assert await records(app_world) == 0


async def test_a_url_into_the_servers_network_is_refused_on_the_openai_surface(any_world: World) -> None:
    content = [{"type": "text", "text": "Hi"}, {"type": "image_url", "image_url": {"url": "http://127.0.0.1/"}}]
    response = await any_world.client.post(
        "/v1/chat/completions",
        json={"model": "tutor", "messages": [{"role": "user", "content": content}]},
        headers=any_world.a.member.bearer,
    )

    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "attachment_url_not_allowed"


async def test_an_input_that_alone_does_not_fit_the_context_window_is_a_400(any_world: World) -> None:
    response = await run(any_world, input="x" * 40_000)  # offline:echo reads 32,000 tokens

    assert problem_of(response) == (400, "input_too_long", "input"), response.text
    assert await any_world.platform.container.ledger().pending() == 0
    assert (await run(any_world, input="Still here?")).json()["text"] == "You said: Still here?"


async def test_a_long_conversation_keeps_answering_with_its_oldest_turns_dropped(any_world: World) -> None:
    first = (await run(any_world, input="a" * 12_000)).json()
    for turn in range(3):
        response = await run(any_world, input=f"{turn}" * 12_000, conversation_id=first["conversation_id"])
        assert response.status_code == 200, response.text
        # offline:echo counts four characters a token: two 12,000-character messages fit its window, three do not
        assert response.json()["usage"]["input_tokens"] < 8_000


async def test_the_history_an_openai_client_sends_is_cut_to_the_window_too(app_world: World) -> None:
    prior = [
        {"role": "user", "content": "a" * 12_000},
        {"role": "assistant", "content": "b" * 12_000},
        {"role": "user", "content": "c" * 12_000},
        {"role": "assistant", "content": "d" * 12_000},
    ]
    response = await app_world.client.post(
        "/v1/chat/completions",
        json={"model": "tutor", "messages": [*prior, {"role": "user", "content": "And now?"}]},
        headers=app_world.a.member.bearer,
    )

    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == "You said: And now?"
    assert response.json()["usage"]["prompt_tokens"] < 8_000  # two of the four long messages, not all


def test_over_a_real_socket_images_and_long_input_behave_alike(served: ServerProcess) -> None:
    with served.client(**{"X-API-Key": served.demo.api_key}) as member:
        seen = member.post("/v1/agents/tutor/runs", json={"input": "What is this?", "attachments": [{"url": DATA_URL}]})
        metadata = member.post(
            "/v1/agents/tutor/runs",
            json={"input": "Look", "attachments": [{"url": "http://169.254.169.254/latest/meta-data/"}]},
        )
        too_long = member.post("/v1/agents/tutor/runs", json={"input": "x" * 40_000})

    assert seen.status_code == 200, seen.text
    assert seen.json()["text"] == "You said: What is this? [1 image]"
    assert problem_of(metadata) == (400, "attachment_url_not_allowed", "attachments[0]")
    assert problem_of(too_long) == (400, "input_too_long", "input")
