"""``python -m bench [--quick] [name ...]``: run the benchmarks, print their tables, exit 1 if a floor is missed.

Names: pdf, render_all, web, public, sweden_answers (all by default, in that order). ``--quick`` runs reduced
sizes as a smoke test; its floors are printed but only the correctness ones (every PDF written, no
failed request) are enforced.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import time

MODULES = ("pdf", "render_all", "web", "public", "sweden_answers")


def missed(name: str, module, figures: dict[str, float], quick: bool) -> int:
    """How many floors ``module`` missed: its ``floor_failures``, or its own ``check`` for modules without it."""
    if "floor_failures" in figures:
        return int(figures["floor_failures"])
    check = getattr(module, "check", None)
    return len(check(figures, quick)) if check else 0


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("--")] or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        print(f"Unknown benchmark {unknown[0]!r}; choose from {', '.join(MODULES)}.", file=sys.stderr)
        return 2
    failed: list[str] = []
    for name in names:
        if importlib.util.find_spec(f"bench.{name}") is None:
            continue  # a benchmark another engineer has not written yet
        module = importlib.import_module(f"bench.{name}")
        start = time.perf_counter()
        figures = module.run(quick=quick)
        print(f"  ({name} took {time.perf_counter() - start:.0f} s)")
        if missed(name, module, figures, quick):
            failed.append(name)
    print("\nbench: " + (f"floors missed in {', '.join(failed)}" if failed else "every floor met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
