"""The JSON API under attack: schemathesis against /api/v1/openapi.json with a planner's token.

Every operation of the OpenAPI document gets a bounded number of generated requests, valid ones and
ones that break the document on purpose, with a fixed seed so that a run repeats. Path parameters are
generated freely, then with the planner's own municipality, plan and section fixed one after another,
so that requests reach the plan's rows and not only the 404 of an unknown municipality. No answer is
an error 500, and every answer has the status and the shape the document gives it.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select

from core.db import get_session
from core.models import User
from core.services.accounts import issue_api_token

SEED = 20260214
# The planner's own data, fixed one path parameter more at a time; how many requests each gets.
FIXED = [
    ({}, 4),
    ({"slug": "piatra-neamt"}, 4),
    ({"slug": "piatra-neamt", "year": 2021, "kind": "action-plan"}, 8),
    ({"slug": "piatra-neamt", "year": 2021, "kind": "action-plan", "section": "training-courses"}, 8),
]
CHECKS = [not_a_server_error, response_schema_conformance]


def _planner_token(app) -> str:
    with app.app_context():
        session = get_session()
        planner = session.scalar(select(User).where(User.email == "planner@piatra-neamt.demo"))
        token = issue_api_token(session, planner)
        session.commit()
    return token


def _attack(operation, fixed: dict, mode: GenerationMode, examples: int, headers: dict, requests: Counter,
            failures: list[str]) -> None:
    @seed(SEED)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
    def attack(case) -> None:
        requests[operation.label] += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except FailureGroup as group:
            failures.append(f"{operation.label}: {group}"[:1500])
        except Exception as error:  # an exception the app let through: what a server answers with 500
            failures.append(f"{operation.label}: {type(error).__name__}: {error}"[:1500])

    with contextlib.suppress(Unsatisfiable):  # every parameter fixed and nothing left to vary in this mode
        attack()


def test_schemathesis_finds_no_server_error_and_no_schema_violation(demo_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app)
    headers = {"Authorization": f"Bearer {_planner_token(demo_app)}"}
    requests: Counter[str] = Counter()
    failures: list[str] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {parameter.name for parameter in operation.path_parameters}
        runs = {tuple(sorted((k, v) for k, v in fixed.items() if k in names)): examples for fixed, examples in FIXED}
        for fixed, examples in runs.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _attack(operation, dict(fixed), mode, examples, headers, requests, failures)
    total = sum(requests.values())
    print(f"schemathesis: {total} requests over {len(requests)} operations in {time.monotonic() - started:.0f} s, "
          f"{len(failures)} failures (server errors or schema violations)")
    for failure in failures[:10]:
        print("   ", failure.replace("\n", " | ")[:700])
    assert len(requests) >= 13  # every operation of the document was called
    assert failures == []
