"""Image attachments: what a shell may hand in, and the rules every image passes before a model sees it."""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass

from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.errors import InvalidInput

IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    max_bytes: int = 5 * MIB
    """Per image, decoded."""
    per_message: int = 4


def image_from(attachment: Mapping[str, object]) -> ImagePart:
    """`{"url": ...}` (http(s), or a `data:<mime>;base64,` URL) or `{"data": <base64>, "mime_type": ...}`."""
    url, data, mime = attachment.get("url"), attachment.get("data"), attachment.get("mime_type", "")
    if not isinstance(mime, str):
        raise InvalidInput("an attachment's mime_type must be a string", field="attachments")
    if isinstance(url, str) and data is None:
        header, comma, payload = url.partition(",")
        if url.startswith("data:") and comma and header.endswith(";base64"):
            return ImagePart(header[5:-7].lower(), data=payload)
        return ImagePart(mime.lower(), url=url)
    if isinstance(data, str) and url is None:
        return ImagePart(mime.lower(), data=data)
    raise InvalidInput("an attachment has either a url or base64 data with a mime_type", field="attachments")


def check_images(images: tuple[ImagePart, ...], limits: AttachmentLimits) -> None:
    """Raise `InvalidInput` naming the first image that breaks a rule (count, type, size, URL scheme, encoding)."""
    if len(images) > limits.per_message:
        raise InvalidInput(
            f"at most {limits.per_message} images per message, got {len(images)}",
            field="attachments",
            code="too_many_attachments",
        )
    for index, image in enumerate(images):
        _check_image(image, index, limits)


def _check_image(image: ImagePart, index: int, limits: AttachmentLimits) -> None:
    field = f"attachments[{index}]"
    if image.mime_type and image.mime_type.lower() not in IMAGE_TYPES:
        raise InvalidInput(
            f"{field}: images of type {image.mime_type!r} are not supported (use {', '.join(IMAGE_TYPES)})",
            field=field,
            code="attachment_type_not_supported",
        )
    if image.url is not None:
        if not image.url.lower().startswith(("https://", "http://")):
            raise InvalidInput(f"{field}: an image URL must be http(s)", field=field, code="attachment_invalid")
        return
    if image.data is None or not image.mime_type:
        raise InvalidInput(f"{field}: base64 data needs its mime_type", field=field, code="attachment_invalid")
    size = decoded_size(image.data)
    if size > limits.max_bytes:
        raise InvalidInput(
            f"{field}: the image is {size} bytes, more than the {limits.max_bytes} allowed",
            field=field,
            code="attachment_too_large",
        )
    try:
        binascii.a2b_base64(image.data, strict_mode=True)
    except binascii.Error:
        raise InvalidInput(f"{field}: the data is not base64", field=field, code="attachment_invalid") from None


def decoded_size(data: str) -> int:
    """Bytes that a base64 string decodes to, without decoding it."""
    return len(data) * 3 // 4 - data[-2:].count("=")
