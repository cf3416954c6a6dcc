"""special review per year: se_settings.special_review_area holds one area per year

Seed 003 (1.4) chooses one area a year for särskild granskning. The column held one area for
"this year" ({"sv": "Måltider"}); it now holds the area of each year ({"2026": {"sv": "Måltider"}}).
An area kept before is the one of the year the upgrade runs in, as the settings page said.

Revision ID: sweden_0005
Revises: sweden_0004
"""
import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "sweden_0005"
down_revision = "sweden_0004"
branch_labels = None
depends_on = None

SETTINGS = sa.table("se_settings", sa.column("municipality_id", sa.Integer),
                    sa.column("special_review_area", sa.JSON))


def _is_per_year(value: dict) -> bool:
    return all(str(key).isdigit() and len(str(key)) == 4 and isinstance(area, dict) for key, area in value.items())


def _rows(connection) -> list[tuple[int, dict]]:
    rows = []
    for municipality_id, value in connection.execute(sa.select(SETTINGS.c.municipality_id,
                                                               SETTINGS.c.special_review_area)).all():
        if isinstance(value, str):
            value = json.loads(value or "{}")
        rows.append((municipality_id, value if isinstance(value, dict) else {}))
    return rows


def upgrade() -> None:
    connection = op.get_bind()
    year = str(dt.date.today().year)
    for municipality_id, value in _rows(connection):
        if value and not _is_per_year(value):
            texts = {locale: text for locale, text in value.items() if isinstance(text, str) and text.strip()}
            connection.execute(sa.update(SETTINGS).where(SETTINGS.c.municipality_id == municipality_id)
                               .values(special_review_area={year: texts} if texts else {}))


def downgrade() -> None:
    """Back to one area: the latest year's."""
    connection = op.get_bind()
    for municipality_id, value in _rows(connection):
        if value and _is_per_year(value):
            latest = value[max(value)]
            connection.execute(sa.update(SETTINGS).where(SETTINGS.c.municipality_id == municipality_id)
                               .values(special_review_area=latest))
