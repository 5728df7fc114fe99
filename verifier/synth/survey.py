"""The monotone-attribute survey: the open question of docs/semantics.md §1 asked of many protocols.

For each protocol, round-attribute synthesis (:mod:`verifier.synth.pipeline`) up to one bound, then:

* is the declared round closed (the check ``ccverify check`` makes);
* the monotone non-trivial attributes (candidates that never drop within the bound and
  give some process at least two rounds);
* which of them suffice (closed up to the bound);
* does the *commit index* suffice — the candidates whose text mentions ``commit``, or the
  attribute the user names (a role attribute whose text is exactly that name);
* a counterexample to "monotone implies closed": a monotone non-trivial candidate that
  is not closed, with its counterexample length (the best-ranked such row: largest
  granularity first).

The closure checks of all protocols share one pool of worker processes: every model's
attribute analysis runs first, then all checks are submitted together, so the workers stay
busy across protocol boundaries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from dsl.errors import CCError
from dsl.loader import load_model
from verifier.core.result import describe_verdict
from verifier.smt.solver import tool_versions
from verifier.synth.pipeline import (
    Status,
    SynthOptions,
    SynthPlan,
    SynthReport,
    SynthRow,
    complete,
    make_executor,
    plan,
    run_tasks,
)


@dataclass
class SurveyEntry:
    file: str
    report: SynthReport | None = None
    error: str = ""


@dataclass
class Survey:
    entries: list[SurveyEntry]
    options: SynthOptions
    attribute: str | None
    seconds: float = 0.0
    versions: dict[str, str] = field(default_factory=dict)


def run_survey(
    files: list[str],
    opts: SynthOptions,
    attribute: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Survey:
    start = time.monotonic()
    entries = [SurveyEntry(f) for f in files]
    plans: list[SynthPlan | None] = []
    for e in entries:
        try:
            plans.append(plan(load_model(e.file), opts, progress))
        except CCError as err:
            e.error = str(err).splitlines()[0]
            plans.append(None)
    executor = make_executor(opts.jobs) if opts.jobs > 1 else None
    try:
        # Every model's checks are submitted before the first result is awaited, so the
        # workers stay busy across protocol boundaries.
        pending = [None if p is None else run_tasks(p.tasks, executor) for p in plans]
        for e, p, results in zip(entries, plans, pending):
            if p is not None and results is not None:
                e.report = complete(p, results, progress)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return Survey(entries, opts, attribute, time.monotonic() - start, tool_versions())


# ------------------------------------------------------------------ the answers


@dataclass
class Answers:
    declared: str
    monotone: list[SynthRow]
    closed: list[SynthRow]
    commit: str
    counterexample: SynthRow | None


def _verdict(row: SynthRow, bound: int) -> str:
    if row.status is Status.TRIVIAL:
        return f"trivial (never changes within {bound})"
    return describe_verdict(row.status, bound, events=row.cex_length, compact=True)


def answers(rep: SynthReport, attribute: str | None) -> Answers:
    bound = rep.options.bound
    decl = rep.declared_row()
    declared = _verdict(decl, bound) if decl else "-"
    mono = [r for r in rep.rows if r.nontrivial_monotone and r.same_as is None]
    closed = [r for r in mono if r.status.closed]
    mine = [r for r in rep.rows if r.candidate.about(attribute)]
    if not mine:
        commit = "no such attribute"
    else:
        best = mine[0]  # rows are ranked: a closed one first if any
        commit = (
            "yes: " if best.status.closed and best.nontrivial_monotone else "no: "
        ) + f"{best.candidate.text} {_verdict(best, bound)}"
    cex = next((r for r in mono if r.status is Status.NOT_CLOSED), None)
    return Answers(declared, mono, closed, commit, cex)


# ------------------------------------------------------------------ rendering
