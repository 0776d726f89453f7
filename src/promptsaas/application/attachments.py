"""Image attachments: the one way every shell turns what it received into an image, and the rules every image passes
before a model sees it (count, type, the bytes being that type, size, where a URL points)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass

from promptsaas.application.attachment_urls import check_url
from promptsaas.application.ports.network import HostResolver
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.errors import InvalidInput

IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
MIB = 1024 * 1024
DATA_URL = "data:"
BASE64_SUFFIX = ";base64"


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    max_bytes: int = 5 * MIB
    """Per image, decoded."""
    per_message: int = 4


def image_of(
    *, url: str | None = None, data: str | None = None, mime_type: str | None = None, index: int = 0
) -> ImagePart:
    """An image from a URL (http(s), or `data:<type>;base64,<data>`) or from base64 `data` with its `mime_type`:
    exactly one of the two, else `attachment_invalid` naming `attachments[index]`."""
    field = f"attachments[{index}]"
    mime = (mime_type or "").lower()
    if (url is None) == (data is None):
        raise InvalidInput(
            f"{field}: an attachment has either a url or base64 data with a mime_type",
            field=field,
            code="attachment_invalid",
        )
    if data is not None:
        return ImagePart(mime, data=data)
    assert url is not None
    if url[: len(DATA_URL)].lower() != DATA_URL:
        return ImagePart(mime, url=url)
    header, comma, payload = url.partition(",")
    if not comma or not header.lower().endswith(BASE64_SUFFIX):
        raise InvalidInput(
            f"{field}: a data: URL must look like data:image/png;base64,<data>", field=field, code="attachment_invalid"
        )
    return ImagePart(header[len(DATA_URL) : -len(BASE64_SUFFIX)].lower(), data=payload)


def image_from(attachment: Mapping[str, object], index: int = 0) -> ImagePart:
    """`{"url": ...}` or `{"data": <base64>, "mime_type": ...}`, as the library and scripts give them."""
    url, data, mime = (_text(attachment, name, index) for name in ("url", "data", "mime_type"))
    return image_of(url=url, data=data, mime_type=mime, index=index)


def _text(attachment: Mapping[str, object], name: str, index: int) -> str | None:
    value = attachment.get(name)
    if value is None or isinstance(value, str):
        return value
    field = f"attachments[{index}]"
    raise InvalidInput(f"{field}: an attachment's {name} must be a string", field=field, code="attachment_invalid")


def image_of_bytes(mime_type: str, raw: bytes) -> ImagePart:
    """A picture a messenger delivered as bytes."""
    return ImagePart(mime_type.lower(), data=base64.b64encode(raw).decode())


class ImageRules:
    """The checks of `check`, with the limits configured and a resolver for the hosts of image URLs."""

    def __init__(self, limits: AttachmentLimits, resolver: HostResolver) -> None:
        self.limits = limits
        self._resolver = resolver

    async def check(self, images: tuple[ImagePart, ...]) -> None:
        """Raise `InvalidInput` naming the first image that breaks a rule."""
        if len(images) > self.limits.per_message:
            raise InvalidInput(
                f"at most {self.limits.per_message} images per message, got {len(images)}",
                field="attachments",
                code="too_many_attachments",
            )
        for index, image in enumerate(images):
            await self._check(image, f"attachments[{index}]")

    async def _check(self, image: ImagePart, field: str) -> None:
        if image.mime_type and image.mime_type.lower() not in IMAGE_TYPES:
            raise InvalidInput(
                f"{field}: images of type {image.mime_type!r} are not supported (use {', '.join(IMAGE_TYPES)})",
                field=field,
                code="attachment_type_not_supported",
            )
        if image.url is not None and image.data is not None:
            raise InvalidInput(f"{field}: either a url or data, not both", field=field, code="attachment_invalid")
        if image.url is not None:
            await check_url(image.url, field, self._resolver)
            return
        if image.data is None or not image.mime_type:
            raise InvalidInput(f"{field}: base64 data needs its mime_type", field=field, code="attachment_invalid")
        size = decoded_size(image.data)
        if size > self.limits.max_bytes:
            raise InvalidInput(
                f"{field}: the image is {size} bytes, more than the {self.limits.max_bytes} allowed",
                field=field,
                code="attachment_too_large",
            )
        check_content(image.mime_type.lower(), _decoded(image.data, field), field)


def check_content(mime_type: str, raw: bytes, field: str) -> None:
    """The bytes are a non-empty image of the declared type, by their signature."""
    if not raw:
        raise InvalidInput(f"{field}: the image is empty", field=field, code="attachment_invalid")
    if not _looks_like(mime_type, raw):
        raise InvalidInput(
            f"{field}: the data is not {mime_type} (its first bytes say otherwise)",
            field=field,
            code="attachment_invalid",
        )


def _looks_like(mime_type: str, raw: bytes) -> bool:
    if mime_type == "image/png":
        return raw.startswith(b"\x89PNG\r\n\x1a\n")
    if mime_type == "image/jpeg":
        return raw.startswith(b"\xff\xd8\xff")
    if mime_type == "image/gif":
        return raw.startswith((b"GIF87a", b"GIF89a"))
    return raw[:4] == b"RIFF" and raw[8:12] == b"WEBP"


def _decoded(data: str, field: str) -> bytes:
    try:
        return binascii.a2b_base64(data, strict_mode=True)
    except binascii.Error:
        raise InvalidInput(f"{field}: the data is not base64", field=field, code="attachment_invalid") from None


def decoded_size(data: str) -> int:
    """Bytes that a base64 string decodes to, without decoding it."""
    return len(data) * 3 // 4 - data[-2:].count("=")
