"""Images on a chat: validated by the application, then sent to each provider in its own format."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from promptsaas.domain.errors import InvalidInput
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.integration.llm.conftest import catalog, fast_settings
from tests.support.llm_stub import LlmStub

ANN = "ann@example.com"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode()


async def test_images_reach_openai_as_image_url_parts(tenant: AsyncTenant, stub: LlmStub) -> None:
    attachments = [{"url": "https://example.com/cat.jpg"}, {"data": PNG, "mime_type": "image/png"}]
    await tenant.chat(ANN, "gpt", "What is in these?", attachments=attachments)
    parts = stub.received[0].messages[-1]["content"]
    assert parts[1:] == [
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
    ]


async def test_a_data_url_is_taken_as_inline_data(tenant: AsyncTenant, stub: LlmStub) -> None:
    await tenant.chat(ANN, "claude", "What is this?", attachments=[{"url": f"data:image/png;base64,{PNG}"}])
    block = stub.received[0].messages[-1]["content"][1]
    assert block["source"] == {"type": "base64", "media_type": "image/png", "data": PNG}


async def test_images_reach_anthropic_as_image_blocks(tenant: AsyncTenant, stub: LlmStub) -> None:
    await tenant.chat(ANN, "claude", "What is this?", attachments=[{"data": PNG, "mime_type": "IMAGE/PNG"}])
    block = stub.received[0].messages[-1]["content"][1]
    assert block == {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}


async def test_images_are_kept_in_the_conversation_history(tenant: AsyncTenant, stub: LlmStub) -> None:
    first = await tenant.chat(ANN, "gpt", "Look", attachments=[{"url": "https://example.com/a.png"}])
    await tenant.chat(ANN, "gpt", "And now?", conversation_id=first.conversation_id)
    history = stub.received[1].messages
    assert {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}} in history[1]["content"]


@pytest.mark.parametrize(
    ("attachments", "code", "named"),
    [
        ([{"data": PNG, "mime_type": "image/tiff"}], "attachment_type_not_supported", "image/tiff"),
        ([{"data": PNG, "mime_type": "application/pdf"}], "attachment_type_not_supported", "application/pdf"),
        ([{"url": "https://example.com/x.png"}] * 5, "too_many_attachments", "at most 4"),
        ([{"url": "file:///etc/passwd"}], "attachment_invalid", "http(s)"),
        ([{"url": f"data:image/bmp;base64,{PNG}"}], "attachment_type_not_supported", "image/bmp"),
        ([{"data": "not base64!", "mime_type": "image/png"}], "attachment_invalid", "base64"),
        ([{"data": PNG}], "attachment_invalid", "mime_type"),
        ([{"url": "https://example.com/x.png", "data": PNG}], "attachment_invalid", "either"),
    ],
)
async def test_a_bad_attachment_is_refused_before_anything_is_reserved_or_sent(
    platform: AsyncPlatform,
    tenant: AsyncTenant,
    stub: LlmStub,
    attachments: list[dict[str, Any]],
    code: str,
    named: str,
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.chat(ANN, "gpt", "Look", attachments=attachments)
    assert raised.value.code == code
    assert named in raised.value.message
    assert stub.received == []
    assert await platform.container.ledger().pending() == 0


async def test_a_model_without_vision_refuses_images(tenant: AsyncTenant, stub: LlmStub) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.chat(ANN, "reasoner", "Look", attachments=[{"url": "https://example.com/x.png"}])
    assert raised.value.code == "attachments_not_supported"
    assert stub.received == []


async def test_the_size_limit_is_configurable(sdk_env: LlmStub) -> None:
    async with AsyncPlatform.in_memory(fast_settings(attachment_max_bytes=64)) as platform:
        acme = await platform.create_tenant("acme")
        await acme.apply_catalog(catalog())
        await acme.create_user(ANN)
        with pytest.raises(InvalidInput) as raised:
            await acme.chat(ANN, "gpt", "Look", attachments=[{"data": PNG, "mime_type": "image/png"}])
        assert raised.value.code == "attachment_too_large"
        assert "72 bytes" in raised.value.message
        small = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(56)).decode()
        await acme.chat(ANN, "gpt", "Look", attachments=[{"data": small, "mime_type": "image/png"}])
    assert len(sdk_env.received) == 1
