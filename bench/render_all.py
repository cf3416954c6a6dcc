"""Benchmark (issue 3): ``socialplan report render --all`` over 3,200 municipalities' action plans.

Builds a temporary instance (demo data, then the demo plan copied to 3,199 more municipalities for
the same year with bulk SQL, timed apart), runs the real CLI as a subprocess on it, and checks that
the progress bar showed and that every PDF exists and starts like a PDF. The copies also get the
demo plan's latest revision snapshot, as every plan saved through the application has one (the
report reads the plan from it in one query, see ``core.services.plans.current_document``).

Floor: the whole command under 2 minutes on this 2-core machine.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Floor, floors_dict, print_table
from bench.dataset import DEMO_YEAR, PLAN_KIND, Instance, clone_plans, count, make_instance, plan_id

MUNICIPALITIES = 3_200
FLOOR_S = 120.0


def socialplan() -> str:
    """The installed console script next to this interpreter."""
    script = Path(sys.executable).with_name("socialplan")
    return str(script) if script.exists() else "socialplan"


def copy_latest_revision(instance: Instance) -> None:
    """Give every plan without its current revision snapshot a copy of the demo plan's (the copies'
    rows are the demo plan's rows, so its snapshot is their document)."""
    template = plan_id(instance)
    db = sqlite3.connect(instance.database)
    try:
        db.execute("INSERT INTO plan_revision (plan_id, number, created_at, user_id, action, document) "
                   "SELECT p.id, p.revision, r.created_at, r.user_id, r.action, r.document "
                   "FROM annual_plan p JOIN plan_revision r ON r.plan_id = ? AND r.number = p.revision "
                   "WHERE NOT EXISTS (SELECT 1 FROM plan_revision o WHERE o.plan_id = p.id AND o.number = p.revision)",
                   (template,))
        db.commit()
    finally:
        db.close()


def run(quick: bool = False) -> dict[str, float]:
    municipalities = 6 if quick else MUNICIPALITIES
    with tempfile.TemporaryDirectory(prefix="render-all-bench-") as folder:
        start = time.perf_counter()
        instance = make_instance(Path(folder) / "instance")
        setup_demo = time.perf_counter() - start
        start = time.perf_counter()
        clone_plans(instance, municipalities, [DEMO_YEAR])
        copy_latest_revision(instance)
        setup_clone = time.perf_counter() - start
        plans = count(instance, "annual_plan")
        out_dir = Path(folder) / "pdf"
        start = time.perf_counter()
        done = subprocess.run(
            [socialplan(), "report", "render", "--all", "--year", str(DEMO_YEAR), "--kind", PLAN_KIND, "--lang", "ro",
             "--out-dir", str(out_dir)], capture_output=True, text=True, env=instance.env(), check=False)
        elapsed = time.perf_counter() - start
        pdfs = sorted(out_dir.glob("*.pdf")) if out_dir.exists() else []
        whole = sum(1 for pdf in pdfs if pdf.stat().st_size > 1000 and pdf.read_bytes()[:5] == b"%PDF-")
    if done.returncode != 0:
        raise RuntimeError(f"socialplan report render --all failed ({done.returncode}):\n{done.stderr[-2000:]}")
    progress = "Rendering" in done.stderr
    figures = {"municipalities": float(municipalities), "render_all_s": elapsed, "pdfs": float(whole),
               "per_report_ms": elapsed / max(whole, 1) * 1000, "setup_demo_s": setup_demo,
               "setup_clone_s": setup_clone, "progress_bar": float(progress)}
    floors = [
        Floor("render --all wall time", elapsed, FLOOR_S, "s"),
        Floor("PDFs written (whole)", float(whole), float(municipalities), "", at_least=True),
        Floor("progress bar shown", float(progress), 1.0, "", at_least=True),
    ]
    shown = [
        ("municipalities with a plan for the year", f"{municipalities:,} (plans in the database: {plans:,})"),
        ("setup: instance with demo data", f"{setup_demo:8.1f} s"),
        ("setup: bulk copy of the demo plan and its snapshot", f"{setup_clone:8.1f} s"),
        ("render --all", f"{elapsed:8.1f} s ({elapsed / max(whole, 1) * 1000:.1f} ms per report)"),
        ("stdout", done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""),
    ]
    print_table(f"render_all ({'quick' if quick else 'full'}): report render --all, action-plan, ro", shown, floors)
    # A quick run still insists on every PDF and the progress bar; only the time floor is for full runs.
    return floors_dict(figures, floors[1:] if quick else floors)


if __name__ == "__main__":
    sys.exit(1 if run(quick="--quick" in sys.argv)["floor_failures"] else 0)
