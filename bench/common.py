"""What the benchmark modules share: timing, the figures table with floors, machine load."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Floor:
    """A figure and the bound it must keep: ``value <= limit`` (``at_least=False``) or ``>=``."""

    name: str
    value: float
    limit: float
    unit: str = ""
    at_least: bool = False

    @property
    def passed(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit


def median_time(function: Callable[[], Any], runs: int, warmup: int = 1) -> tuple[float, float]:
    """Median wall time and median CPU time of this process over ``runs`` calls, after ``warmup`` untimed
    ones. CPU time tells the cost apart from waiting for a core when other work shares the machine."""
    for _ in range(warmup):
        function()
    walls, cpus = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def print_table(title: str, figures: list[tuple[str, str]], floors: list[Floor]) -> None:
    """Figures (name, formatted value) then floors with PASS/FAIL, as aligned text."""
    print(f"\n== {title} ==  ({load()})")
    width = max([len(name) for name, _ in figures] + [len(f.name) for f in floors] + [10])
    for name, value in figures:
        print(f"  {name:<{width}}  {value}")
    for floor in floors:
        bound = ">=" if floor.at_least else "<="
        verdict = "PASS" if floor.passed else "FAIL"
        print(f"  {floor.name:<{width}}  {floor.value:10.3f} {floor.unit:<4} {bound} {floor.limit:g} {floor.unit:<4}"
              f"  {verdict}")


def floors_dict(figures: dict[str, float], floors: list[Floor]) -> dict[str, float]:
    """run()'s result: the figures, plus ``floor_failures`` (the number of floors missed)."""
    return {**figures, "floor_failures": float(sum(not f.passed for f in floors))}
