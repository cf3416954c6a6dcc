"""The ranges the domain gives every number, the same in web forms, the API and plan import.

The plan document's JSON Schema (``core/schemas/plan-v1.schema.json``) states them for documents and
API rows (``minimum``/``maximum``, and for decimals written as strings a ``pattern`` that admits the
range exactly); the web forms' validators take them from here. A test (tests/test_attack_ranges.py)
checks that both say the same.
"""

from __future__ import annotations

from decimal import Decimal

# Plans, budget lines and campaign periods are of years 1990 to 2100.
YEAR_MIN, YEAR_MAX = 1990, 2100
# A budget line's year lies within this many years of its plan's year (a 2021 plan budgets 2011 to 2031).
BUDGET_YEARS_AROUND = 10
# Persons, staff, participants, beneficiaries and a service's capacity: 0 to a million.
COUNT_MAX = 1_000_000
# An occupancy rate in percent: a service may be over-occupied, never more than ten times over.
OCCUPANCY_MAX = 1000
# Amounts are NUMERIC(18, 2): below 10^16 in absolute value (their decimals: the currency's).
AMOUNT_LIMIT = Decimal(10) ** 16
AMOUNT_MAX = AMOUNT_LIMIT - Decimal("0.01")
# Integers the database keeps as INTEGER (PostgreSQL: 32 bits): ids, revision numbers; a number in a
# URL beyond it names nothing.
DB_INTEGER_MAX = 2**31 - 1
# A row's place in its section, as the API's URLs name it.
ROW_INDEX_MAX = 100_000
EMAIL_MAX = 254


def budget_years(plan_year: int) -> tuple[int, int]:
    """The first and last year a budget line of a ``plan_year`` plan may be for."""
    return max(YEAR_MIN, plan_year - BUDGET_YEARS_AROUND), min(YEAR_MAX, plan_year + BUDGET_YEARS_AROUND)
