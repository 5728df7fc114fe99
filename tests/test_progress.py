"""Progress on stderr: plain lines off a terminal (with a heartbeat during a long bound),
a rich live line on one, ticks from both engines, and synthesis results reported in the
order they complete."""

from __future__ import annotations

import io
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from dsl.loader import load_model
from verifier.core.result import CheckOptions, Engine
from verifier.engines.dispatch import run_check
from verifier.output.progress import Progress
from verifier.synth.pipeline import gather


def test_plain_lines_are_stamped_and_a_heartbeat_reports_a_long_bound():
    out = io.StringIO()
    p = Progress(out, heartbeat=0.0)
    assert not p.live  # a StringIO is not a terminal
    p("bound 1: no counterexample")
    p.tick(depth=2, nodes=100)
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"\[\s+\d+\.\ds\] bound 1: no counterexample", lines[0])
    assert "... bound 2, 100 nodes" in lines[1]
    p.close()


def test_no_heartbeat_before_its_time():
    out = io.StringIO()
    p = Progress(out, heartbeat=3600)
    p.tick(depth=1, solver_calls=3)
    assert out.getvalue() == ""


def test_live_display_starts_and_stops_and_keeps_finished_lines():
    out = io.StringIO()
    with Progress(out, live=True) as p:
        p.tick(depth=3, solver_calls=7)
        assert "bound 3, 7 solver calls" in p._render().plain
        p("bound 3: done")
    assert "bound 3: done" in out.getvalue()


class _Recorder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.ticks: list[dict] = []

    def __call__(self, text: str) -> None:
        self.lines.append(text)

    def tick(self, **status: int) -> None:
        self.ticks.append(status)


def test_both_engines_tick_during_bounds():
    model = load_model(str(Path(__file__).resolve().parent.parent / "examples" / "ping_stale.cc"))
    for engine in (Engine.SMT, Engine.EXPLICIT):
        rec = _Recorder()
        run_check(model, CheckOptions(bound=4, engine=engine, one_step=False), rec)
        depths = [t["depth"] for t in rec.ticks if "depth" in t]
        assert depths == sorted(depths) and depths[-1] == 4, engine
        assert rec.lines  # and the finished bounds


def test_results_are_reported_as_they_complete():
    release = threading.Event()

    def slow():
        release.wait(5)
        return SimpleNamespace(
            verdict=SimpleNamespace(value="closed"), stats=SimpleNamespace(seconds=1.0)
        ), None

    def fast():
        return SimpleNamespace(
            verdict=SimpleNamespace(value="not closed"), stats=SimpleNamespace(seconds=0.0)
        ), None

    plan = SimpleNamespace(
        model=SimpleNamespace(name="m"),
        todo=[SimpleNamespace(candidate=SimpleNamespace(text=t)) for t in ("slow", "fast")],
    )
    lines: list[str] = []

    def progress(text: str) -> None:
        lines.append(text)
        release.set()  # the slow task finishes only after the fast one was reported

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(slow), pool.submit(fast)]
        time.sleep(0.01)
        (results,) = gather([(plan, futures)], progress)
    assert lines[0].startswith("m: [1/2] fast: not closed")
    assert lines[1].startswith("m: [2/2] slow: closed")
    assert [r[0].verdict.value for r in results] == ["closed", "not closed"]  # task order
