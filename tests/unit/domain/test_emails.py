"""One stored form per mailbox: spellings of one address meet, look-alikes of it are refused, non-addresses too."""

from __future__ import annotations

import pytest

from promptsaas.domain.emails import normalize_email
from promptsaas.domain.errors import InvalidInput


@pytest.mark.parametrize(
    "spelling",
    [
        "member@example.com",
        "Member@Example.COM",
        "  member@example.com ",
        "ｍｅｍｂｅｒ@ｅｘａｍｐｌｅ.ｃｏｍ",
        "mem\u200bber@example.com",
        "member\ufeff@exa\u00admple.com",
        "member@example.com.",
    ],
)
def test_every_spelling_of_one_address_normalises_to_the_same(spelling: str) -> None:
    assert normalize_email(spelling) == "member@example.com"


def test_an_international_domain_is_stored_in_its_ascii_form() -> None:
    assert normalize_email("Ann@Bücher.de") == "ann@xn--bcher-kva.de" == normalize_email("ann@xn--bcher-kva.de")


@pytest.mark.parametrize("look_alike", ["m\u0435mber@example.com", "member@\u0435xample.com", "p\u0430ypal@x.com"])
def test_an_address_mixing_alphabets_is_refused(look_alike: str) -> None:
    with pytest.raises(InvalidInput, match="mixes alphabets"):
        normalize_email(look_alike)


@pytest.mark.parametrize(
    "not_an_address", ["", "member", "@example.com", "member@", "member@example", "a b@x.com", "a@-x.com", "a@x..com"]
)
def test_what_is_not_an_address_is_refused_naming_the_field(not_an_address: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_email(not_an_address)
    assert refused.value.field == "email"


@pytest.mark.parametrize(
    "with_control",
    [
        "mem\x00ber@example.com",
        "member@example.com\x00",
        "mem\x01ber@x.com",
        "m\x7fember@x.com",
        "mem\x85ber@x.com",
        "mem\u202eber@x.com",
    ],
)
def test_an_address_with_a_control_character_is_refused(with_control: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_email(with_control)
    assert refused.value.field == "email"
