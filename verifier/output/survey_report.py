"""The survey as Markdown and JSON (:mod:`verifier.synth.survey` computes it)."""

from __future__ import annotations

from pathlib import Path

from verifier.output.synth_report import report_json
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
        "proofs": proof_counts(s),
        "protocols": out,
    }
