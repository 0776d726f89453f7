"""What the OpenAI surface refuses, and what it passes on: a rate limit as the SDK's `RateLimitError` with
`Retry-After`, unsupported features as a 400 naming the field, images as `image_url` data URLs."""

from __future__ import annotations

import base64
from typing import Any

import openai
import pytest

from tests.e2e.openai.conftest import Served

ASK = [{"role": "user", "content": "hi"}]
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode()
DATA_URL = f"data:image/png;base64,{PNG}"


@pytest.mark.parametrize("limits", [[{"metric": "requests", "window": "minute", "amount": 1}]])
async def test_a_used_up_minute_limit_raises_the_sdks_rate_limit_error_with_retry_after(served: Served) -> None:
    await served.client().chat.completions.create(model="echo", messages=ASK)  # type: ignore[arg-type]

    with pytest.raises(openai.RateLimitError) as limited:
        await served.client().chat.completions.create(model="echo", messages=ASK)  # type: ignore[arg-type]

    assert limited.value.code == "rate_limited"
    assert 0 < int(limited.value.response.headers["retry-after"]) <= 60
    assert limited.value.body["type"] == "rate_limit_error"  # type: ignore[index]
    assert len(await served.records()) == 1, "the refused call is not charged"


@pytest.mark.parametrize(
    ("unsupported", "param"),
    [
        ({"n": 2}, "n"),
        ({"audio": {"voice": "alloy", "format": "wav"}}, "audio"),
        ({"modalities": ["text", "audio"]}, "modalities"),
    ],
)
async def test_an_unsupported_feature_is_a_400_naming_the_field(
    served: Served, unsupported: dict[str, Any], param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await served.client().chat.completions.create(model="gpt", messages=ASK, **unsupported)  # type: ignore[arg-type]

    assert (refused.value.code, refused.value.param) == ("invalid_request", param)
    assert param in refused.value.message
    assert served.stub.received == []
    assert await served.records() == []


def _with_image(text: str) -> list[dict[str, Any]]:
    parts = [{"type": "text", "text": text}, {"type": "image_url", "image_url": {"url": DATA_URL}}]
    return [{"role": "user", "content": parts}]


async def test_an_image_data_url_reaches_an_image_accepting_model(served: Served) -> None:
    await served.client().chat.completions.create(model="gpt", messages=_with_image("What is this?"))  # type: ignore[arg-type]

    last = served.stub.received[0].messages[-1]
    assert last["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": DATA_URL}},
    ]


async def test_an_image_for_a_model_that_cannot_see_is_refused_as_runs_refuse_it(served: Served) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await served.client().chat.completions.create(model="open", messages=_with_image("What is this?"))  # type: ignore[arg-type]

    assert refused.value.code == "attachments_not_supported"
    assert await served.records() == []
