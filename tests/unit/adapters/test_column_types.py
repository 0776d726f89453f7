"""UtcDateTime's one-step SQLite binding writes exactly the text SQLAlchemy's two steps write; a JSON column's
text, written by msgspec, reads back as the value `json.dumps` would have stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeDecorator

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime, json_text

DIALECT = sqlite.dialect()
TYPE = UtcDateTime().dialect_impl(DIALECT)
ONE_STEP = TYPE.bind_processor(DIALECT)
TWO_STEPS = TypeDecorator.bind_processor(TYPE, DIALECT)
ZONES = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC) | ZONES))
def test_a_time_is_stored_as_the_dialects_own_text(moment: datetime) -> None:
    assert ONE_STEP is not None
    assert TWO_STEPS is not None
    assert ONE_STEP(moment) == TWO_STEPS(moment)


def test_none_stays_null_and_a_naive_time_is_refused() -> None:
    assert ONE_STEP is not None
    assert ONE_STEP(None) is None
    with pytest.raises(ValueError, match="naive datetime"):
        ONE_STEP(datetime(2026, 12, 7, 12, 0))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_a_json_value_reads_back_as_json_dumps_would_have_stored_it(value: Any) -> None:
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))
