"""The one way an image enters: parsed from what a shell received, then checked (kind, bytes, size, where a URL
points) before anything is reserved or sent."""

from __future__ import annotations

import base64

import pytest
from dependency_injector import providers
from tests.support.resolver import StaticResolver

from promptsaas.application.attachments import AttachmentLimits, ImageRules, image_of, image_of_bytes
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.errors import InvalidInput
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"
IMAGES = {
    "image/png": b"\x89PNG\r\n\x1a\n" + bytes(24),
    "image/jpeg": b"\xff\xd8\xff\xe0" + bytes(24),
    "image/gif": b"GIF89a" + bytes(24),
    "image/webp": b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(16),
}
PNG = base64.b64encode(IMAGES["image/png"]).decode()


RESOLVER = StaticResolver(
    {
        "cdn.example.com": ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
        "rebound.example.com": ("93.184.215.14", "10.1.2.3"),
        "metadata.example.com": ("169.254.169.254",),
        "localhost": ("127.0.0.1", "::1"),
    }
)
RULES = ImageRules(AttachmentLimits(max_bytes=1024), RESOLVER)


async def refusal(image: ImagePart) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        await RULES.check((ImagePart("image/png", data=PNG), image))
    assert raised.value.field == "attachments[1]"
    return raised.value


def test_a_data_url_is_inline_data_of_its_type() -> None:
    assert image_of(url=f"data:image/PNG;base64,{PNG}") == ImagePart("image/png", data=PNG)


def test_a_url_and_data_together_are_refused_naming_the_attachment() -> None:
    with pytest.raises(InvalidInput) as raised:
        image_of(url="https://cdn.example.com/a.png", data=PNG, mime_type="image/png", index=2)
    assert (raised.value.code, raised.value.field) == ("attachment_invalid", "attachments[2]")
    assert "either" in raised.value.message


def test_neither_a_url_nor_data_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        image_of(mime_type="image/png")
    assert (raised.value.code, raised.value.field) == ("attachment_invalid", "attachments[0]")


def test_bytes_from_a_messenger_become_base64_data() -> None:
    assert image_of_bytes("image/png", IMAGES["image/png"]) == ImagePart("image/png", data=PNG)


@pytest.mark.parametrize("mime_type", sorted(IMAGES))
async def test_each_supported_type_passes_by_its_first_bytes(mime_type: str) -> None:
    data = base64.b64encode(IMAGES[mime_type]).decode()
    await RULES.check((ImagePart(mime_type, data=data),))


@pytest.mark.parametrize(
    ("declared", "raw", "named"),
    [
        ("image/png", b"", "empty"),
        ("image/png", b"#!/bin/sh\necho owned\n", "not image/png"),
        ("image/jpeg", IMAGES["image/png"], "not image/jpeg"),
        ("image/webp", b"RIFF\x10\x00\x00\x00WAVEfmt " + bytes(16), "not image/webp"),
        ("image/gif", b"GIF", "not image/gif"),
    ],
)
async def test_bytes_that_are_not_the_declared_type_are_refused(declared: str, raw: bytes, named: str) -> None:
    problem = await refusal(ImagePart(declared, data=base64.b64encode(raw).decode()))
    assert problem.code == "attachment_invalid"
    assert named in problem.message


async def test_an_image_over_the_size_bound_is_refused() -> None:
    big = base64.b64encode(IMAGES["image/png"] + bytes(1024)).decode()
    problem = await refusal(ImagePart("image/png", data=big))
    assert problem.code == "attachment_too_large"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.png",
        "http://127.8.9.10:8080/x.png",
        "http://localhost/x.png",
        "http://10.0.0.1/x.png",
        "http://172.16.5.4/x.png",
        "http://192.168.1.1/x.png",
        "http://100.64.0.1/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/x.png",
        "http://224.0.1.1/x.png",
        "http://240.0.0.1/x.png",
        "http://[::1]/x.png",
        "http://[::]/x.png",
        "http://[fe80::1]/x.png",
        "http://[fc00::1]/x.png",
        "http://[ff02::1]/x.png",
        "http://[::ffff:10.0.0.1]/x.png",
        "http://[64:ff9b::a9fe:a9fe]/x.png",
        "https://metadata.example.com/x.png",
        "https://rebound.example.com/x.png",
        "https://nowhere.example.com/x.png",
    ],
)
async def test_a_url_into_a_private_network_is_refused(url: str) -> None:
    problem = await refusal(ImagePart("", url=url))
    assert problem.code == "attachment_url_not_allowed"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://cdn.example.com/a.png", "gopher://x", "https:///a.png"])
async def test_a_url_that_is_not_http_to_a_host_is_refused(url: str) -> None:
    problem = await refusal(ImagePart("", url=url))
    assert problem.code == "attachment_invalid"


@pytest.mark.parametrize(
    "url", ["https://cdn.example.com/a.png", "http://93.184.215.14/a.png", "https://[2606:2800::1]/"]
)
async def test_a_url_to_a_public_host_passes(url: str) -> None:
    await RULES.check((ImagePart("", url=url),))


async def test_a_chat_sends_a_data_url_image_to_the_model(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    reply = await tenant.chat(ANN, "tutor", "What is this?", attachments=[{"url": f"data:image/png;base64,{PNG}"}])
    assert reply.text == "You said: What is this? [1 image]"


@pytest.fixture
def names(platform: AsyncPlatform) -> StaticResolver:
    """Requested before `tenant`, so the runtime is built with this resolver."""
    platform.container.host_resolver.override(providers.Object(RESOLVER))
    return RESOLVER


async def test_a_chat_refuses_a_url_to_an_internal_host_before_reserving(
    platform: AsyncPlatform, names: StaticResolver, tenant: AsyncTenant
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.chat(ANN, "tutor", "Look", attachments=[{"url": "https://metadata.example.com/a.png"}])
    assert raised.value.code == "attachment_url_not_allowed"
    assert await platform.container.ledger().pending() == 0
    reply = await tenant.chat(ANN, "tutor", "Look", attachments=[{"url": "https://cdn.example.com/a.png"}])
    assert reply.text == "You said: Look [1 image]"
