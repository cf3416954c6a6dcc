"""audit trail: who acted (user, command line, not signed in), the subject, the detail as JSON, an index per
municipality and time

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None

# The action codes written before this revision, and the detail key their text was.
LEGACY = {
    "plugin enabled": ("plugin.enabled", "plugin"),
    "plugin disabled": ("plugin.disabled", "plugin"),
    "municipality created": ("municipality.created", "slug"),
    "user created": ("user.created", "text"),
    "user changed": ("user.changed", "text"),
    "api token issued": ("user.token-issued", "email"),
}


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("actor", sa.String(length=20), server_default="user", nullable=False))
        batch.add_column(sa.Column("subject", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("detail_json", sa.JSON(), nullable=True))
    events = sa.table("audit_event", sa.column("id", sa.Integer), sa.column("user_id", sa.Integer),
                      sa.column("action", sa.String), sa.column("detail", sa.Text),
                      sa.column("detail_json", sa.JSON), sa.column("actor", sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(events.c.id, events.c.user_id, events.c.action, events.c.detail)).all():
        action, key = LEGACY.get(row.action, (row.action, "text"))
        # Before this revision only the CLI wrote events without a user.
        connection.execute(events.update().where(events.c.id == row.id).values(
            action=action, detail_json={key: row.detail or ""}, actor="user" if row.user_id else "cli"))
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("detail")
        batch.alter_column("detail_json", new_column_name="detail", existing_type=sa.JSON(), nullable=False)
        batch.create_index("ix_audit_event_municipality_at", ["municipality_id", "at"])


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_index("ix_audit_event_municipality_at")
        batch.alter_column("detail", new_column_name="detail_json", existing_type=sa.JSON(), nullable=True)
        batch.add_column(sa.Column("detail", sa.Text(), server_default="", nullable=False))
    events = sa.table("audit_event", sa.column("id", sa.Integer), sa.column("action", sa.String),
                      sa.column("detail", sa.Text), sa.column("detail_json", sa.JSON))
    connection = op.get_bind()
    codes = {new: old for old, (new, _key) in LEGACY.items()}
    for row in connection.execute(sa.select(events.c.id, events.c.action, events.c.detail_json)).all():
        text = " ".join(str(v) for v in (row.detail_json or {}).values())
        connection.execute(events.update().where(events.c.id == row.id).values(
            action=codes.get(row.action, row.action), detail=text))
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("detail_json")
        batch.drop_column("subject")
        batch.drop_column("actor")
