"""sessions and API tokens: a session version per account; API tokens in a table of their own, scoped to a role and
a municipality, with an expiry, revocable

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-12-01
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None

# A token issued before scopes keeps working with its account's rights for this long after the upgrade,
# so that no integration stops at once and no token lives for ever.
MIGRATED_TOKEN_DAYS = 365


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"],
                                name=op.f("fk_api_token_municipality_id_municipality"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token") as batch:
        batch.create_index(batch.f("ix_api_token_user_id"), ["user_id"], unique=False)
    _move_tokens_out_of_accounts()
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("uq_user_account_api_token_hash", type_="unique")
        batch.drop_column("api_token_hash")


def _move_tokens_out_of_accounts() -> None:
    """Each account's one token becomes a row with the account's own scope (its role, and its municipality
    unless it is an administrator's)."""
    connection = op.get_bind()
    users = sa.table("user_account", sa.column("id", sa.Integer), sa.column("role", sa.String),
                     sa.column("municipality_id", sa.Integer), sa.column("api_token_hash", sa.String))
    tokens = sa.table("api_token", sa.column("token_hash", sa.String), sa.column("user_id", sa.Integer),
                      sa.column("municipality_id", sa.Integer), sa.column("role", sa.String),
                      sa.column("name", sa.String), sa.column("created_at", sa.DateTime),
                      sa.column("expires_at", sa.DateTime))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    rows = connection.execute(sa.select(users).where(users.c.api_token_hash.is_not(None))).all()
    for row in rows:
        connection.execute(tokens.insert().values(
            token_hash=row.api_token_hash, user_id=row.id, role=row.role, name="",
            municipality_id=None if row.role == "admin" else row.municipality_id,
            created_at=now, expires_at=now + dt.timedelta(days=MIGRATED_TOKEN_DAYS)))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("api_token_hash", sa.String(length=128), nullable=True))
        batch.create_unique_constraint("uq_user_account_api_token_hash", ["api_token_hash"])
    # Back to one token per account: its newest one still in force.
    op.execute(
        "UPDATE user_account SET api_token_hash = (SELECT token_hash FROM api_token t WHERE t.user_id = user_account.id"
        " AND t.revoked_at IS NULL ORDER BY t.created_at DESC, t.id DESC LIMIT 1)"
    )
    with op.batch_alter_table("api_token") as batch:
        batch.drop_index(batch.f("ix_api_token_user_id"))
    op.drop_table("api_token")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("session_version")
