"""The survey as Markdown and JSON (:mod:`verifier.synth.survey` computes it)."""

from __future__ import annotations

from pathlib import Path

from verifier.output.synth_report import report_json
from verifier.synth.bounds import MARGIN
from verifier.synth.pipeline import Status, SynthRow
from verifier.synth.survey import Survey, answers


def _names(rows: list[SynthRow], limit: int = 6) -> str:
    if not rows:
        return "none"
    names = [f"`{r.candidate.text}`" for r in rows[:limit]]
    if len(rows) > limit:
        names.append(f"… ({len(rows)} in all)")
    return ", ".join(names)


def proof_counts(s: Survey) -> dict[str, int]:
    """Over every protocol's monotone non-trivial closed rows: how many are closed for all
    bounds, by each proof (docs/algorithm.md, "Unbounded proofs"), and how many remain
    closed up to the bound only."""
    out: dict[str, int] = {}
    for e in s.entries:
        if e.report is None:
            continue
        for r in e.report.rows:
            if not (r.status.closed and r.nontrivial_monotone):
                continue
            if r.status is Status.CLOSED_ALL:
                proof = r.result.proof if r.result is not None else None
                key = proof.method if proof is not None else "unnamed"
            else:
                key = "closed up to the bound only"
            out[key] = out.get(key, 0) + 1
    return out


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
        f"per arity, {s.runner or f'{o.jobs} job(s)'}; ccverify {v.get('ccverify')}, "
        f"z3 {v.get('z3')}, "
        f"pysmt {v.get('pysmt')}, Python {v.get('python')}; wall time {s.seconds:.0f} s.",
        "",
    ]
    counts = proof_counts(s)
    bounded = counts.pop("closed up to the bound only", 0)
    total = sum(counts.values())
    lines += [
        "",
        f"Unbounded proofs: {total} of the {total + bounded} monotone non-trivial closed "
        f"rows are closed for all bounds"
        + (" (" + ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) + ")" if counts else "")
        + f"; {bounded} closed up to the bound only (their counterexamples to induction are "
        f"in the JSON and in `ccverify synth`).",
    ]
    return "\n".join(head + lines) + "\n"


def survey_json(s: Survey) -> dict:
    out: list[dict[str, object]] = []
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
                # monotone with a non-vacuous verdict (the name predates vacuity)
                "monotone_nontrivial": [r.candidate.text for r in a.answered],
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
        "proofs": proof_counts(s),
        "protocols": out,
    }
