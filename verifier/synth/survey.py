"""The monotone-attribute survey: the open question of DESIGN.md §1 asked of many protocols.

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

import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dsl.errors import CCError
from dsl.loader import load_model
from verifier.output.synth_report import report_json
from verifier.synth.pipeline import (
    Status,
    SynthOptions,
    SynthPlan,
    SynthReport,
    SynthRow,
    check_candidate,
    complete,
    make_executor,
    result_of,
    plan,
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
    abort = True
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
            results = res if executor is None else (result_of(f) for f in res)
            e.report = complete(p, results, progress)
        abort = False
    finally:
        if executor is not None:
            stop_executor(executor, abort=abort)
    return Survey(entries, opts, attribute, time.monotonic() - start, versions())


# ------------------------------------------------------------------ the answers


@dataclass
class Answers:
    declared: str
    monotone: list[SynthRow]
    closed: list[SynthRow]
    commit: str
    counterexample: SynthRow | None


def _verdict(row: SynthRow, bound: int) -> str:
    if row.status is Status.CLOSED_BOUNDED:
        return f"closed up to {bound}"
    if row.status is Status.NOT_CLOSED:
        return f"not closed ({row.cex_length} events)"
    if row.status is Status.TRIVIAL:
        return f"trivial (never changes within {bound})"
    return row.status.value


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


def _names(rows: list[SynthRow], limit: int = 6) -> str:
    if not rows:
        return "none"
    names = [f"`{r.candidate.text}`" for r in rows[:limit]]
    if len(rows) > limit:
        names.append(f"… ({len(rows)} in all)")
    return ", ".join(names)


def survey_markdown(s: Survey) -> str:
    o = s.options
    v = s.versions
    what = f"`{s.attribute}`" if s.attribute else "commit index"
    lines = [
        f"| protocol | declared round | monotone non-trivial attributes | closed with | "
        f"{what} suffices? | monotone but not closed |",
        "|---|---|---|---|---|---|",
    ]
    for e in s.entries:
        name = Path(e.file).name
        if e.report is None:
            lines.append(f"| {name} | error: {e.error} | | | | |")
            continue
        a = answers(e.report, s.attribute)
        cex = "none found"
        if a.counterexample is not None:
            c = a.counterexample
            ok = " (confirmed)" if c.confirmation and c.confirmation.confirmed else ""
            cex = f"`{c.candidate.text}`: {c.cex_length} events{ok}"
        checked = sum(1 for r in a.monotone if r.result is not None)
        lines.append(
            f"| {name} | {a.declared} | {len(a.monotone)} ({checked} checked): "
            f"{_names(a.monotone)} | "
            f"{_names(a.closed)} | {a.commit} | {cex} |"
        )
    head = [
        f"Survey: bound {o.bound}, witness bound {o.kprime}, closure engine {o.engine.value} "
        f"({o.solver}), attribute facts {o.attr_engine.value}, at most {o.max_combos} "
        f"role combinations per arity, {o.jobs} job(s); ccverify {v.get('ccverify')}, "
        f"z3 {v.get('z3')}, pysmt {v.get('pysmt')}, Python {v.get('python')}; "
        f"wall time {s.seconds:.0f} s.",
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
                "monotone_nontrivial": [r.candidate.text for r in a.monotone],
                "closed": [r.candidate.text for r in a.closed],
                "commit_index": a.commit,
                "monotone_not_closed": None
                if c is None
                else {
                    "attribute": c.candidate.text,
                    "length": c.cex_length,
                    "confirmed": bool(c.confirmation and c.confirmation.confirmed),
                },
                "synthesis": report_json(e.report),
            }
        )
    o = s.options
    return {
        "bound": o.bound,
        "witness_bound": o.kprime,
        "engine": o.engine.value,
        "attribute": s.attribute,
        "seconds": round(s.seconds, 3),
        "versions": s.versions,
        "protocols": out,
    }
