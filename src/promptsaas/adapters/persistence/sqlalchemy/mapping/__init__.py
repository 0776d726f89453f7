"""Row <-> entity: explicit functions, so the domain never meets the ORM.

`*_row` turns an entity into column values; `*_of` turns a result row (a mapping of column values) back.
"""

from sqlalchemy import RowMapping

Row = RowMapping
