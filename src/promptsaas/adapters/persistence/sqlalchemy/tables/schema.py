"""The metadata every table joins, with its naming convention, and the column shapes the areas share."""

from __future__ import annotations

from sqlalchemy import JSON, MetaData, PrimaryKeyConstraint

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)

Json = JSON(none_as_null=True)


def tenant_key(*columns: str) -> PrimaryKeyConstraint:
    return PrimaryKeyConstraint("tenant_id", *columns)
