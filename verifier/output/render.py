"""Rendering of traces and check results as text and as JSON-able dictionaries.

Everything here reads :mod:`verifier.core.runtime` objects and the interpreter (for types,
rounds and tags); nothing here prints: the CLI decides where text goes.
"""

from __future__ import annotations

from verifier.core.result import CheckResult, InductionCex, Proof, Verdict, Violation
from verifier.core.runtime import Message, Step, Trace
from verifier.core.values import format_value, to_json
from verifier.semantics.conditions import fmt_round, step_violations
from verifier.semantics.interp import Interpreter


def _msg_args(interp: Interpreter, m: Message) -> list[tuple[str, str]]:
    decl = interp.model.message(m.type)
    return [(name, format_value(ty, v)) for (name, ty), v in zip(decl.fields, m.fields)]


def format_message(interp: Interpreter, m: Message, *, direction: str = "to") -> str:
    args = ", ".join(f"{n}={v}" for n, v in _msg_args(interp, m))
    who = m.dst if direction == "to" else m.src
    return f"{m.type}({args}) {direction} {who} [tag {fmt_round(m.tag)}]"


def changed_vars(interp: Interpreter, step: Step, full: bool = False) -> list[tuple[str, str, str]]:
    role = interp.proc_role(step.proc)
    out = []
    for decl, a, b in zip(role.vars, step.pre, step.post):
        if full or a != b:
            out.append((decl.name, format_value(decl.ty, a), format_value(decl.ty, b)))
    return out


def event_label(interp: Interpreter, step: Step, *, names: bool = True) -> str:
    """``edge(p=v, ...)`` (``edge(v, ...)`` without ``names``); the bare edge name when it
    has no parameters."""
    edge = interp.proc_role(step.proc).edge(step.edge)
    if not edge.params:
        return step.edge
    vals = (
        f"{n}={format_value(t, v)}" if names else format_value(t, v)
        for (n, t), v in zip(edge.params, step.params)
    )
    return f"{step.edge}({', '.join(vals)})"


def format_step(
    interp: Interpreter, i: int, step: Step, marks: list[Violation], full: bool = False
) -> list[str]:
    head = f"{i + 1:>3}. {step.proc} {event_label(interp, step)}"
    pre = interp.round_of(step.proc, step.pre)
    post = interp.round_of(step.proc, step.post)
    rounds = fmt_round(pre) if pre == post else f"{fmt_round(pre)} -> {fmt_round(post)}"
    lines = [f"{head}   round {rounds}"]
    if step.consumed is not None:
        lines.append(f"       received {format_message(interp, step.consumed, direction='from')}")
    for name, a, b in changed_vars(interp, step, full):
        lines.append(f"       {name}: {a} -> {b}" if a != b else f"       {name} = {a}")
    for m in step.sent:
        lines.append(f"       sent {format_message(interp, m)}")
    for v in marks:
        lines.append(f"       !! breaks '{v.condition}': {v.text}")
    return lines


def message_json(interp: Interpreter, m: Message) -> dict:
    decl = interp.model.message(m.type)
    return {
        "type": m.type,
        "src": str(m.src),
        "dst": str(m.dst),
        "tag": list(m.tag),
        "fields": {n: to_json(t, v) for (n, t), v in zip(decl.fields, m.fields)},
    }


def edge_location(interp: Interpreter, step: Step) -> str:
    """``file:line:col`` of the edge that fired in ``step`` (the model file if unknown)."""
    edge = interp.proc_role(step.proc).edge(step.edge)
    return str(edge.span) if edge.span is not None else interp.model.file


def trace_json(interp: Interpreter, trace: Trace) -> list[dict]:
    """The events of ``trace``; ``index`` numbers them from 1, as every output does."""
    events = []
    for i, step in enumerate(trace.steps):
        role = interp.proc_role(step.proc)
        edge = role.edge(step.edge)
        events.append(
            {
                "index": i + 1,
                "process": str(step.proc),
                "edge": step.edge,
                "location": edge_location(interp, step),
                "params": {n: to_json(t, v) for (n, t), v in zip(edge.params, step.params)},
                "received": message_json(interp, step.consumed) if step.consumed else None,
                "sent": [message_json(interp, m) for m in step.sent],
                "changed": {
                    d.name: to_json(d.ty, b)
                    for d, a, b in zip(role.vars, step.pre, step.post)
                    if a != b
                },
                "round_before": list(interp.round_of(step.proc, step.pre)),
                "round_after": list(interp.round_of(step.proc, step.post)),
            }
        )
    return events


def step_json(interp: Interpreter, step: Step) -> dict:
    """One event as in :func:`trace_json`, with the whole pre- and post-state."""
    role = interp.proc_role(step.proc)
    out = trace_json(interp, Trace((step,), ()))[0]
    out["pre"] = {d.name: to_json(d.ty, a) for d, a in zip(role.vars, step.pre)}
    out["post"] = {d.name: to_json(d.ty, b) for d, b in zip(role.vars, step.post)}
    return out


def proof_json(proof: Proof) -> dict:
    return {
        "method": proof.method,
        "text": proof.text,
        "inferred_rounds": list(proof.inferred),
        "invariants": list(proof.invariants),
        "k": proof.k,
    }


def format_cti(interp: Interpreter, cti: InductionCex, full: bool = True) -> list[str]:
    """A counterexample to induction in the trace's format: the sentence, the hypothesis,
    the event from its (arbitrary) pre-state, and the other state or message involved."""
    lines = [f"counterexample to induction: {cti.what}"]
    if cti.assumed:
        lines.append("  assumed: " + "; ".join(cti.assumed))
    if cti.step is not None:
        marks = step_violations(interp, 0, cti.step)
        lines += format_step(interp, 0, cti.step, marks, full)
    if cti.receiver is not None:
        who, local = cti.receiver
        role = interp.model.role(who.partition("[")[0])
        state = ", ".join(f"{d.name}={format_value(d.ty, v)}" for d, v in zip(role.vars, local))
        lines.append(f"       receiver {who} in state: {state}")
    if cti.other is not None:
        lines.append(f"       in flight: {format_message(interp, cti.other, direction='from')}")
    lines.append("  breaks: " + "; ".join(cti.broken))
    return lines


def cti_json(interp: Interpreter, cti: InductionCex) -> dict:
    out: dict = {
        "what": cti.what,
        "broken": list(cti.broken),
        "assumed": list(cti.assumed),
        "event": step_json(interp, cti.step) if cti.step is not None else None,
    }
    if cti.receiver is not None:
        who, local = cti.receiver
        role = interp.model.role(who.partition("[")[0])
        out["receiver"] = {
            "process": who,
            "state": {d.name: to_json(d.ty, v) for d, v in zip(role.vars, local)},
        }
    if cti.other is not None:
        out["in_flight"] = message_json(interp, cti.other)
    return out


def violations_json(interp: Interpreter, trace: Trace | None, violations) -> list[dict]:
    """Violated local conditions; ``event`` numbers the event from 1, as ``index`` does."""
    out = []
    for v in violations:
        entry = {"event": v.step + 1, "condition": v.condition, "text": v.text}
        if trace is not None and v.step < len(trace.steps):
            entry["location"] = edge_location(interp, trace.steps[v.step])
        out.append(entry)
    return out


def model_json(interp: Interpreter) -> dict:
    """What a result was computed on: the constants (after ``--set``), the processes and
    each role's round expression in use (the declared one unless synthesis replaced it)."""
    from dsl.pretty import round_str

    model = interp.model
    return {
        "model": model.name,
        "file": model.file,
        "constants": {n: v for n, v in model.constants},
        "processes": [str(p) for p in interp.procs],
        "rounds": {name: round_str(exprs) for name, exprs in interp.round_exprs.items()},
    }


def per_bound_json(stats) -> list[dict]:
    """One entry per bound examined, the last one included: ``seconds`` and
    ``solver_calls`` are cumulative since the check began; ``refuted`` (SMT) and ``nodes``
    (explicit: trace nodes new at that depth) are that bound's own; ``complete`` is false
    for the bound where a counterexample stopped the search."""
    out = []
    for entry in stats.per_bound:
        e = {"bound": entry["bound"], "complete": entry.get("complete", True)}
        e["seconds"] = entry["seconds"]
        for key in ("solver_calls", "refuted", "nodes"):
            if key in entry:
                e[key] = entry[key]
        out.append(e)
    return out


def result_json(result: CheckResult) -> dict:
    """A check's result as JSON (the body of ``check --json``; see docs/output.md)."""
    interp = result.context
    s = result.stats
    return {
        **model_json(interp),
        "verdict": result.verdict.value,
        "closed": None if result.verdict is Verdict.UNKNOWN else result.verdict.closed,
        "bound": result.bound,
        "witness_bound": result.witness_bound,
        "engine": result.engine.value,
        "solver": result.solver,
        "reason": result.reason,
        "depth": result.depth,
        "proof": proof_json(result.proof) if result.proof else None,
        "counterexample_to_induction": cti_json(interp, result.cti) if result.cti else None,
        "notes": list(result.notes),
        "trace": trace_json(interp, result.trace) if result.trace else None,
        "violations": violations_json(interp, result.trace, result.violations),
        "timings": {"seconds": round(s.seconds, 3), "per_bound": per_bound_json(s)},
        "solver_calls": s.solver_calls,
        "refuted": s.refuted,
        "nodes": s.nodes,
        "engine_auto": s.auto,
        "symmetry": s.symmetry or None,
        **crossing_json(interp, result),
    }


def crossing_json(interp: Interpreter, result: CheckResult) -> dict:
    """``first_crossing_bound`` (B, or None when not reached), ``vacuous`` (None when
    undecided) and the search behind them (docs/semantics.md, "Vacuity")."""
    c = result.crossing
    if c is None:
        return {"first_crossing_bound": None, "vacuous": result.vacuous, "crossing": None}
    return {
        "first_crossing_bound": c.bound,
        "vacuous": result.vacuous,
        "crossing": {
            "bound": c.bound,
            "lower_bound": c.lower,
            "searched": c.searched,
            "exhausted": c.exhausted,
            "reason": c.reason,
            "states": c.states,
            "text": c.crossing,
            "trace": trace_json(interp, c.trace) if c.trace else None,
        },
    }
