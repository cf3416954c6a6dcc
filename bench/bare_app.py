"""The floor of the web benchmark: a bare Flask + SQLAlchemy page listing a plan's existing services.

It reads the same rows of the same database as the plan editor's existing-services page (services
with their budget lines) and renders them in a trivial Jinja template; no sign-in, no rules, no forms.
Served by gunicorn: ``gunicorn 'bench.bare_app:app'`` with SOCIALPLAN_DATABASE_URL and BENCH_PLAN_ID set.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from core.models import Service

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))
engine = create_engine(os.environ["SOCIALPLAN_DATABASE_URL"])
PLAN_ID = int(os.environ["BENCH_PLAN_ID"])


@app.route("/")
def services() -> str:
    with Session(engine) as session:
        rows = session.scalars(
            select(Service).where(Service.plan_id == PLAN_ID, Service.section == "existing-services")
            .order_by(Service.position).options(selectinload(Service.budget_lines))
        ).all()
        return render_template("bare.html", services=rows)
