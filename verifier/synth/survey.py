"""The monotone-attribute survey: the open question of DESIGN.md §1 asked of many protocols.

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

import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dsl.errors import CCError
from dsl.loader import load_model
from verifier.output.synth_report import report_json
from verifier.synth.bounds import MARGIN
from verifier.synth.pipeline import (
    Status,
    SynthOptions,
    SynthPlan,
    SynthReport,
    SynthRow,
    check_candidate,
    complete,
    make_executor,
    plan,
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


def versions() -> dict[str, str]:
    """Versions of ccverify, z3, pysmt and Python (for reports)."""
    out = {"python": platform.python_version()}
    try:
        from importlib.metadata import version

        out["ccverify"] = version("ccverify")
    except Exception:
        import tomllib

        root = Path(__file__).resolve().parent.parent
        with open(root / "pyproject.toml", "rb") as f:
            out["ccverify"] = tomllib.load(f)["project"]["version"]
    import pysmt
    import z3

    out["z3"] = z3.get_version_string()
    out["pysmt"] = pysmt.__version__
    return out


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
        pending = []
        for p in plans:
            if p is None:
                pending.append(None)
            elif executor is None:
                pending.append([check_candidate(*t) for t in p.tasks])
            else:
                pending.append([executor.submit(check_candidate, *t) for t in p.tasks])
        for e, p, res in zip(entries, plans, pending):
            if p is None or res is None:
                continue
            results = res if executor is None else (f.result() for f in res)
            e.report = complete(p, results, progress)
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return Survey(entries, opts, attribute, time.monotonic() - start, versions())


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


# ------------------------------------------------------------------ rendering


def _names(rows: list[SynthRow], limit: int = 6) -> str:
    if not rows:
        return "none"
    names = [f"`{r.candidate.text}`" for r in rows[:limit]]
    if len(rows) > limit:
        names.append(f"… ({len(rows)} in all)")
    return ", ".join(names)


def _unanswered(rows: list[SynthRow]) -> str:
    """Which monotone rows got no answer, grouped by why."""
    if not rows:
        return "none"
    groups: dict[str, list[SynthRow]] = {}
    for r in rows:
        groups.setdefault(r.status.value, []).append(r)
    return "; ".join(f"{k}: {_names(v, 4)}" for k, v in groups.items())


def survey_markdown(s: Survey) -> str:
    o = s.options
    v = s.versions
    what = f"`{s.attribute}`" if s.attribute else "commit index"
    lines = [
        f"| protocol | declared round | monotone attributes answered | closed with | "
        f"{what} suffices? | monotone but not closed | no answer |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in s.entries:
        name = Path(e.file).name
        if e.report is None:
            lines.append(f"| {name} | error: {e.error} | | | | | |")
            continue
        a = answers(e.report, s.attribute)
        cex = "none found"
        if a.counterexample is not None:
            c = a.counterexample
            ok = ", confirmed" if c.confirmation and c.confirmation.confirmed else ""
            cex = f"`{c.candidate.text}`: {c.cex_length} events (B = {c.b_text()}{ok})"
        lines.append(
            f"| {name} | {a.declared} | {len(a.answered)} of {len(a.monotone)}: "
            f"{_names(a.answered)} | {_names(a.closed)} | {a.commit} | {cex} | "
            f"{_unanswered(a.unanswered)} |"
        )
    checks = (
        "a closure check for every candidate"
        if o.max_checks is None
        else f"at most {o.max_checks} closure checks per model"
    )
    head = [
        f"Survey: attribute facts up to bound {o.bound}; each candidate checked at "
        f"max({o.bound}, min(B + {MARGIN}, {o.deepest})), B its first crossing bound "
        f"(--max-bound {o.deepest}; B beyond it: not reached); closure engine "
        f"{o.engine.value} ({o.solver}), attribute facts {o.attr_engine.value}, "
        f"{checks}, at most {o.max_combos} role combinations "
        f"per arity, {o.jobs} job(s); ccverify {v.get('ccverify')}, z3 {v.get('z3')}, "
        f"pysmt {v.get('pysmt')}, Python {v.get('python')}; wall time {s.seconds:.0f} s.",
        "",
    ]
    return "\n".join(head + lines) + "\n"


def survey_json(s: Survey) -> dict:
    out = []
    for e in s.entries:
        if e.report is None:
            out.append({"file": e.file, "error": e.error})
            continue
        a = answers(e.report, s.attribute)
        c = a.counterexample
        out.append(
            {
                "file": e.file,
                "model": e.report.model.name,
                "declared": a.declared,
                "monotone": [r.candidate.text for r in a.monotone],
                "answered": [r.candidate.text for r in a.answered],
                "closed": [r.candidate.text for r in a.closed],
                "unanswered": {r.candidate.text: r.status.value for r in a.unanswered},
                "commit_index": a.commit,
                "monotone_not_closed": None
                if c is None
                else {
                    "attribute": c.candidate.text,
                    "length": c.cex_length,
                    "first_crossing_bound": c.crossing.bound if c.crossing else None,
                    "checked_bound": c.checked_bound,
                    "confirmed": bool(c.confirmation and c.confirmation.confirmed),
                },
                "synthesis": report_json(e.report),
            }
        )
    o = s.options
    return {
        "bound": o.bound,
        "max_bound": o.deepest,
        "margin": MARGIN,
        "witness_bound": o.kprime,
        "engine": o.engine.value,
        "attribute": s.attribute,
        "seconds": round(s.seconds, 3),
        "versions": s.versions,
        "protocols": out,
    }
