"""Text and JSON rendering of a synthesis report (:mod:`verifier.synth.pipeline`)."""

from __future__ import annotations

from verifier.core.result import Verdict
from verifier.core.runtime import Trace
from verifier.output.render import cti_json, format_cti, proof_json, trace_json, violations_json
from verifier.semantics.conditions import fmt_round
from verifier.semantics.interp import Interpreter
from verifier.synth.attrs import Mono
from verifier.synth.bounds import MARGIN
from verifier.synth.pipeline import Status, SynthReport, SynthRow, strip_message_rounds


def _verdict(row: SynthRow) -> str:
    return row.describe()


def _evidence(row: SynthRow, bound: int) -> str:
    if row.status is Status.NOT_MONOTONE and row.drop is not None:
        d = row.drop
        who = f"{row.drop_attr.text}" if row.drop_attr else ""
        return (
            f"{d.proc} lowers {who} {fmt_round(d.before)} -> {fmt_round(d.after)} in "
            f"'{d.step.edge}' (event {len(d.trace)})"
        )
    if row.status is Status.NOT_MONOTONE:
        return row.note
    if row.status is Status.TRIVIAL:
        if row.monotone is Mono.DROPS:
            return ""
        return "another role has no round (never changes within the bound)"
    if row.status is Status.NOT_REACHED:
        return row.note
    if row.status is Status.NOT_CLOSED:
        c = row.confirmation
        if c is None:
            return "not confirmed"
        return {
            True: "confirmed (explicit)",
            False: "engines disagree",
            None: "not confirmed (explicit budget)",
        }[c.confirmed]
    if row.result is not None:
        if row.status is Status.UNKNOWN:
            return row.note or row.result.reason
        how = f"{row.result.engine.value}, {row.result.stats.seconds:.1f} s"
        if row.status is Status.CLOSED_ALL and row.result.proof is not None:
            how = f"{row.result.proof.method}; {how}"
        return how
    return ""


def _trace_lines(interp: Interpreter, trace: Trace) -> list[str]:
    out = []
    for i, st in enumerate(trace.steps):
        pre = fmt_round(interp.round_of(st.proc, st.pre))
        post = fmt_round(interp.round_of(st.proc, st.post))
        recv = ""
        if st.consumed is not None:
            m = st.consumed
            recv = f" receives {m.type} from {m.src} (tag {fmt_round(m.tag)})"
        sent = f", sends {len(st.sent)}" if st.sent else ""
        out.append(f"      {i + 1}. {st.proc} {st.edge}{recv}{sent}; round {pre} -> {post}")
    return out


def format_report(rep: SynthReport, details: bool = True) -> str:
    """The ranked table, then the counterexamples and drops behind its rows."""
    o = rep.options
    m = rep.model
    head = (
        f"{m.name} ({m.file}): round-attribute synthesis, attribute facts up to bound "
        f"{o.bound}, each candidate checked at max({o.bound}, min(B + {MARGIN}, "
        f"{o.deepest})) (B: its first crossing bound; --max-bound {o.deepest}), witness "
        f"bound at least the bound, closure engine {o.engine.value}"
    )
    cols = ["#", "attribute", "source", "monotone", "gran", "B", "bound", "verdict", "evidence"]
    table = [cols]
    for i, r in enumerate(rep.rows, 1):
        table.append(
            [
                str(i),
                r.candidate.text,
                ",".join(r.candidate.sources),
                r.monotone.value,
                "-" if r.granularity is None else str(r.granularity),
                r.b_text(),
                "-" if r.checked_bound is None else str(r.checked_bound),
                _verdict(r),
                _evidence(r, o.bound),
            ]
        )
    widths = [max(len(row[c]) for row in table) for c in range(len(cols))]
    lines = [head, ""]
    for j, row in enumerate(table):
        lines.append("  " + "  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip())
        if j == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    lines.append("")
    closed = [r for r in rep.rows if r.status.closed and r.nontrivial_monotone]
    lines.append(
        f"{len(closed)} monotone candidate(s) closed at a non-vacuous bound (at least B)"
        + (
            ": " + ", ".join(f"{r.candidate.text} ({r.describe()})" for r in closed)
            if closed
            else "."
        )
    )
    unreached = [r.candidate.text for r in rep.rows if r.status is Status.NOT_REACHED]
    if unreached:
        lines.append(
            f"Not reached (B beyond --max-bound {o.deepest}, so no verdict would say "
            f"anything): " + ", ".join(unreached) + "."
        )
    conf = [
        str(i)
        for i, r in enumerate(rep.rows, 1)
        if r.status is Status.NOT_CLOSED and r.confirmation is not None and r.confirmation.confirmed
    ]
    if conf:
        lines.append(
            "Counterexamples confirmed by the explicit engine (replayed; no grouped "
            "trace of the witness bound has their projections): rows " + ", ".join(conf) + "."
        )
    for n in rep.notes:
        lines.append(f"note: {n}")
    lines.append(
        f"[{len(rep.attributes)} role attributes, {rep.checks} closure checks, "
        f"{rep.seconds:.1f} s (attributes {rep.attr_seconds:.1f} s)]"
    )
    if details:
        lines += _details(rep)
    return "\n".join(lines)


def _details(rep: SynthReport) -> list[str]:
    out: list[str] = []
    for i, r in enumerate(rep.rows, 1):
        proof = r.result.proof if r.result is not None else None
        if r.status is Status.CLOSED_ALL and proof is not None:
            out += ["", f"row {i}: {r.candidate.text}: closed for all bounds, by {proof.method}"]
            out += [f"    invariant {t}" for t in proof.invariants]
            out += [f"    inferred round {t}" for t in proof.inferred]
        cti = r.result.cti if r.result is not None else None
        if r.status is Status.CLOSED_BOUNDED and cti is not None:
            model = rep.model if r.candidate.declared else strip_message_rounds(rep.model)
            interp = Interpreter(model, r.candidate.rounds())
            out += ["", f"row {i}: {r.candidate.text}: no unbounded proof"]
            out += ["    " + line for line in format_cti(interp, cti)]
        if r.result is not None and r.result.trace and not r.status.closed:
            interp = Interpreter(rep.model, r.candidate.rounds())
            out += [
                "",
                f"row {i}: {r.candidate.text}: counterexample of {len(r.result.trace)} events",
            ]
            out += _trace_lines(interp, r.result.trace)
            out += [f"    suspicious: {v.text}" for v in r.result.violations]
            if r.confirmation is not None:
                out.append(f"    {r.confirmation.text}")
    return out


def row_json(rep: SynthReport, r: SynthRow) -> dict:
    c = r.candidate
    out: dict = {
        "attribute": c.text,
        "rounds": {role: (a.text if a else None) for role, a in zip(c.roles, c.parts)},
        "sources": list(c.sources),
        "declared": c.declared,
        "monotone": r.monotone.name.lower(),
        "monotone_how": r.monotone_how,
        "granularity": r.granularity,
        "status": r.status.value,
        "closed": r.status.closed,
        "nontrivial_monotone": r.nontrivial_monotone,
        "first_crossing_bound": r.crossing.bound if r.crossing else None,
        "first_crossing_lower_bound": r.crossing.lower if r.crossing else None,
        "checked_bound": r.checked_bound,
        "vacuous": r.vacuous,
        "answer": r.answer,
    }
    if r.drop is not None:
        interp = Interpreter(rep.model)
        out["drop"] = {
            "attribute": r.drop_attr.text if r.drop_attr else None,
            "process": str(r.drop.proc),
            "before": list(r.drop.before),
            "after": list(r.drop.after),
            "trace": trace_json(interp, r.drop.trace),
        }
    if r.result is not None:
        res = r.result
        out["check"] = {
            "verdict": res.verdict.value,
            "bound": res.bound,
            "witness_bound": res.witness_bound,
            "depth": res.depth,
            "reason": res.reason,
            "engine": res.engine.value,
            "seconds": round(res.stats.seconds, 3),
            "proof": proof_json(res.proof) if res.proof is not None else None,
            "counterexample_to_induction": (
                cti_json(Interpreter(rep.model, c.rounds()), res.cti)
                if res.cti is not None and res.verdict is not Verdict.CLOSED_ALL
                else None
            ),
        }
        if res.trace is not None:
            interp = Interpreter(rep.model, c.rounds())
            out["counterexample"] = {
                "length": len(res.trace),
                "trace": trace_json(interp, res.trace),
                "violations": violations_json(interp, res.trace, res.violations),
            }
    if r.confirmation is not None:
        out["confirmation"] = {
            "confirmed": r.confirmation.confirmed,
            "text": r.confirmation.text,
            "nodes": r.confirmation.nodes,
        }
    if r.note:
        out["note"] = r.note
    return out


def report_json(rep: SynthReport) -> dict:
    """A synthesis report as JSON (the body of ``synth --json``; see docs/output.md)."""
    o = rep.options
    interp = Interpreter(rep.model)
    return {
        "model": rep.model.name,
        "file": rep.model.file,
        "constants": {n: v for n, v in rep.model.constants},
        "processes": [str(p) for p in interp.procs],
        "bound": o.bound,
        "max_bound": o.deepest,
        "margin": MARGIN,
        "witness_bound": o.kprime,
        "engine": o.engine.value,
        "attribute_engine": o.attr_engine.value,
        "solver": o.solver,
        "seconds": round(rep.seconds, 3),
        "attribute_seconds": round(rep.attr_seconds, 3),
        "closure_checks": rep.checks,
        "notes": rep.notes,
        "rows": [row_json(rep, r) for r in rep.rows],
    }
