"""Scale-out: synthesis and surveys accept any concurrent.futures executor and give the
same report; ``--scheduler local:N`` runs them on a Dask LocalCluster (slow: starting a
cluster takes seconds; Dask is the optional extra ``ccverify[dask]``)."""

from __future__ import annotations

import json
import re
from concurrent.futures import Executor, Future
from pathlib import Path

import pytest

from dsl.errors import UsageError
from dsl.loader import load_model
from verifier.cli import main
from verifier.core.result import Engine
from verifier.output.survey_report import survey_json
from verifier.output.synth_report import report_json
from verifier.synth.pipeline import SynthOptions, synthesize
from verifier.synth.scale import parse_scheduler
from verifier.synth.survey import run_survey

ROOT = Path(__file__).resolve().parent.parent
MODELS = [str(ROOT / "examples" / n) for n in ("ping_stale.cc", "ping_closed.cc")]
OPTS = SynthOptions.of(bound=3, engine=Engine.SMT, attr_engine=Engine.EXPLICIT)


def _timeless(doc):
    """The JSON without what depends on timing."""
    if isinstance(doc, dict):
        return {k: _timeless(v) for k, v in doc.items() if "seconds" not in k and k != "versions"}
    if isinstance(doc, list):
        return [_timeless(x) for x in doc]
    return doc


class LastFirst(Executor):
    """A concurrent.futures executor of its own: runs the tasks when asked for the first
    result, in reverse submission order (so results complete out of order).  Not a thread
    pool: concurrent checks in threads of one process are not supported (pysmt)."""

    def __init__(self) -> None:
        self.pending: list[tuple[Future, object, tuple]] = []

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        self.pending.append((future, fn, args))
        return future

    def run(self) -> None:
        for future, fn, args in reversed(self.pending):
            future.set_result(fn(*args))
        self.pending.clear()


def _run_then(fn):
    """Run ``fn`` with a LastFirst executor whose tasks run when the caller waits."""
    import verifier.synth.pipeline as pipeline

    ex = LastFirst()
    real = pipeline.as_completed

    def as_completed(fs):
        ex.run()
        return real(fs)

    pipeline.as_completed = as_completed
    try:
        return fn(ex)
    finally:
        pipeline.as_completed = real


def test_synthesis_in_any_executor_gives_the_same_report():
    model = load_model(MODELS[0])
    serial = report_json(synthesize(model, OPTS))
    other = report_json(_run_then(lambda ex: synthesize(model, OPTS, None, ex)))
    assert _timeless(other) == _timeless(serial)


def test_a_survey_in_any_executor_gives_the_same_report():
    lines: list[str] = []
    serial = survey_json(run_survey(MODELS, OPTS))
    s = _run_then(
        lambda ex: run_survey(MODELS, OPTS, None, lines.append, executor=ex, runner="mine")
    )
    assert _timeless(survey_json(s)) == _timeless(serial)
    assert s.runner == "mine" and any("[1/" in ln for ln in lines)


@pytest.mark.parametrize("spec", ["local:0", "local:x", "", " "])
def test_bad_scheduler_specs(spec):
    with pytest.raises(UsageError):
        parse_scheduler(spec)


def test_scheduler_and_jobs_exclude_each_other(capsys):
    code = main(["survey", MODELS[0], "-k", "2", "-q", "-j", "2", "--scheduler", "local:1"])
    assert code == 2 and "--scheduler and --jobs" in capsys.readouterr().err


@pytest.mark.slow
def test_local_dask_cluster_gives_the_same_survey_as_jobs(capsys):
    pytest.importorskip("dask.distributed")
    argv = ["survey", *MODELS, "-k", "3", "-q"]
    assert main([*argv, "--scheduler", "local:2"]) == 0
    dask_md = capsys.readouterr().out
    assert main([*argv, "--jobs", "2"]) == 0
    jobs_md = capsys.readouterr().out

    def norm(md: str) -> str:
        md = re.sub(r"\d+(\.\d+)? s\b", "T s", md)
        return md.replace("Dask scheduler local:2", "2 job(s)")

    assert norm(dask_md) == norm(jobs_md)
    assert main([*argv, "--scheduler", "local:2", "--json"]) == 0
    dask_js = json.loads(capsys.readouterr().out)
    assert main([*argv, "--jobs", "2", "--json"]) == 0
    assert _timeless(dask_js) == _timeless(json.loads(capsys.readouterr().out))
