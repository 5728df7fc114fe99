"""The monotone-attribute survey: the open question of docs/semantics.md §1 asked of many protocols.

For each protocol, round-attribute synthesis (:mod:`verifier.synth.pipeline`): attribute
facts up to one bound, each candidate checked at a bound at least its first crossing bound
B (:mod:`verifier.synth.bounds`), then:

* is the declared round closed (the check ``ccverify check`` makes), with B and the bound;
* the monotone candidates (never lowered within the facts' bound) whose verdict is an
  *answer*: closed for all bounds, not closed, or closed up to a bound at least B.  A
  verdict below B is vacuous (docs/semantics.md, "Vacuity") and never counts;
* which of them suffice (closed);
* does the *commit index* suffice — the candidates whose text mentions ``commit``, or the
  attribute the user names (a role attribute whose text is exactly that name); "undecided"
  when none of them got an answer (B beyond --max-bound, or not checked);
* a counterexample to "monotone implies closed": a monotone candidate that is not closed,
  preferring natural attributes (:data:`NATURAL`: the commit index, log length, height,
  view, ...) to contrived pairs;
* the monotone candidates that got no answer, and why (not reached, not checked, unknown).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

from dsl.errors import CCError
from dsl.loader import load_model
from verifier.smt.solver import tool_versions
from verifier.synth.pipeline import (
    Status,
    SynthOptions,
    SynthPlan,
    SynthReport,
    SynthRow,
    complete,
    gather,
    make_executor,
    plan,
    run_tasks,
    stop_executor,
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
    runner: str = ""  # where the checks ran, when not in --jobs processes


def run_survey(
    files: list[str],
    opts: SynthOptions,
    attribute: str | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    overrides: dict[str, int] | None = None,
    executor: Executor | None = None,
    runner: str = "",
) -> Survey:
    """Synthesis over ``files`` (constants ``overrides`` applied to every model).  Closure
    checks run in ``executor`` (any :mod:`concurrent.futures` executor, e.g. Dask's
    ``Client.get_executor()``), else in a pool of ``opts.jobs`` processes, else inline;
    each result is reported to ``progress`` as it completes."""
    start = time.monotonic()
    entries = [SurveyEntry(f) for f in files]
    plans: list[SynthPlan | None] = []
    for e in entries:
        try:
            plans.append(plan(load_model(e.file, overrides), opts, progress))
        except CCError as err:
            e.error = str(err).splitlines()[0]
            plans.append(None)
    own = None
    if executor is None and opts.jobs > 1:
        executor = own = make_executor(opts.jobs)
    abort = True
    try:
        if executor is None:  # inline: each protocol's checks, reported as they finish
            for e, p in zip(entries, plans):
                if p is not None:
                    e.report = complete(p, run_tasks(p.tasks), progress)
        else:  # every protocol's checks at once, so the workers stay busy
            batches = [(p, [executor.submit(t) for t in p.tasks]) for p in plans if p is not None]
            results = iter(gather(batches, progress))
            for e, p in zip(entries, plans):
                if p is not None:
                    e.report = complete(p, next(results), None)
        abort = False
    finally:
        if own is not None:
            stop_executor(own, abort=abort)
    return Survey(entries, opts, attribute, time.monotonic() - start, tool_versions(), runner)


# ------------------------------------------------------------------ the answers


@dataclass
class Answers:
    declared: str
    monotone: list[SynthRow]  # every monotone candidate with a round for every role
    answered: list[SynthRow]  # ... whose verdict answers anything (non-vacuous)
    closed: list[SynthRow]
    commit: str
    counterexample: SynthRow | None
    unanswered: list[SynthRow]  # monotone, no answer: not reached, not checked, unknown


# Attributes a reader of the protocol would call natural rounds, most natural first: the
# "monotone but not closed" column prefers them to contrived pairs (docs/findings.md).
NATURAL = ("commit", "len(log)", "height", "view", "term", "epoch", "slot", "bal", "log")


def natural_rank(row: SynthRow) -> tuple:
    """Sort key: one-component attributes before tuples, then the position of the first
    word of :data:`NATURAL` an attribute mentions, then listed or declared ones, then
    larger granularity."""
    parts = [a for a in row.candidate.parts if a is not None and "constant" not in a.sources]
    arity = max((a.arity for a in parts), default=1)
    hits = [i for a in parts for i, w in enumerate(NATURAL) if w in a.text.lower()] or [
        len(NATURAL)
    ]
    chosen = any(a.sources & {"declared", "listed"} for a in parts)
    return (arity > 1, min(hits), not chosen, -(row.granularity or 0), row.candidate.text)


def with_b(row: SynthRow, compact: bool = True) -> str:
    """The row's verdict with its bound and B: ``closed up to 13 (B = 11)``."""
    text = row.describe(compact=compact)
    if row.crossing is not None and row.status is not Status.NOT_REACHED:
        text += f" (B = {row.b_text()})" if row.crossing.bound else f" (B {row.b_text()})"
    return text


def answers(rep: SynthReport, attribute: str | None) -> Answers:
    decl = rep.declared_row()
    declared = with_b(decl) if decl else "-"
    mono = [r for r in rep.rows if r.monotone_ok and None not in r.candidate.parts]
    answered = [r for r in mono if r.answer]
    closed = [r for r in answered if r.status.closed]
    mine = [r for r in rep.rows if r.candidate.about(attribute)]
    if not mine:
        commit = "no such attribute"
    else:
        decided = [r for r in mine if r.answer]
        if decided:
            best = decided[0]  # rows are ranked: a closed one first if any
            verdict = "yes: " if best.status.closed else "no: "
        else:
            best = mine[0]
            verdict = "undecided: "
        commit = verdict + f"{best.candidate.text} {with_b(best)}"
    nc = [r for r in answered if r.status is Status.NOT_CLOSED]
    cex = min(nc, key=natural_rank) if nc else None
    unanswered = [r for r in mono if not r.answer]
    return Answers(declared, mono, answered, closed, commit, cex, unanswered)
