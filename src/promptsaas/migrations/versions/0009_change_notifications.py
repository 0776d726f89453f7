"""PostgreSQL notifies `promptsaas_changes` with the tenant of every audit entry, so each server process drops its
cached copies of that tenant's agents, plans, users and keys at once (SQLite polls a change counter instead).

Revision ID: 0009
Revises: 0003
Create Date: 2026-12-03 00:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION promptsaas_notify_change() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('promptsaas_changes', NEW.tenant_id);
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER audit_entries_notify_change AFTER INSERT ON audit_entries "
        "FOR EACH ROW EXECUTE FUNCTION promptsaas_notify_change()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_entries_notify_change ON audit_entries")
    op.execute("DROP FUNCTION IF EXISTS promptsaas_notify_change()")
