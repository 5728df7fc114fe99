"""Traces in the Informal Trace Format (ITF), the JSON trace format of Apalache and Quint.

An ITF trace (Apalache ADR-015) is ``{"#meta": {...}, "params": [names], "vars": [names],
"states": [state, ...]}`` where each state is ``{"#meta": {"index": i}, name: value, ...}``
with a value for every name in ``vars`` (and, in the initial state, for every name in
``params``).  Values: booleans and strings as JSON, **every integer** as
``{"#bigint": "digits"}`` (the revised ADR no longer allows JSON numbers), sequences as
arrays, tuples ``{"#tup": [...]}``, sets ``{"#set": [...]}``, maps
``{"#map": [[key, value], ...]}``, records as JSON objects and variants as
``{"tag": name, "value": value}``.

The top-level ``#meta`` has ``format`` (``"ITF"``), ``format-description`` (the ADR),
``source`` (the model file) and ``description`` (what the trace shows and, for a
counterexample, the violated local condition, as Apalache names the violated invariant).
The model's constants are the ``params``, set in state 0.

The ccverify trace has ``len(trace) + 1`` states (the initial one, then one per event) and
these variables:

* ``Role.var`` for every variable of every role: a map from process (``"P[0]"``) to its
  value (enums by member name, process ids as ``"Role[i]"``);
* ``round``: a map from process to its round, a tuple of integers;
* ``network``: the messages in flight, a map from message to its multiplicity; a message
  is the record ``{type, src, dst, tag, fields}``;
* ``event``: the event that led to this state: ``{index, process, edge, params,
  received, sent, violations, location}`` (``received`` is the variant ``Some(message)``
  or ``None``; ``location`` the edge's ``file:line:col``); in state 0 the edge is
  ``"init"``, the process ``""`` and the location the model file.
"""

from __future__ import annotations

from dsl.ir import (
    BoolType,
    EnumType,
    IntType,
    MapType,
    ProcType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
)
from verifier.core.result import Violation
from verifier.core.runtime import GState, Message, Round, Step, Trace, Value
from verifier.core.values import sort_key
from verifier.output.render import edge_location
from verifier.semantics.interp import Interpreter

FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"


def itf_int(n: int) -> dict:
    """An integer as ITF writes it: always ``{"#bigint": "digits"}``."""
    return {"#bigint": str(int(n))}


def itf_value(ty: Type, v: Value) -> object:
    """The ITF rendering of a runtime value of type ``ty``."""
    if isinstance(ty, BoolType):
        return bool(v)
    if isinstance(ty, IntType):
        return itf_int(v)
    if isinstance(ty, EnumType):
        return ty.members[v]
    if isinstance(ty, ProcType):
        return f"{ty.role}[{v}]"
    if isinstance(ty, RecordType):
        return {name: itf_value(fty, x) for (name, fty), x in zip(ty.fields, v)}
    if isinstance(ty, SetType):
        elems = sorted(v, key=sort_key)
        return {"#set": [itf_value(ty.elem, x) for x in elems]}
    if isinstance(ty, MapType):
        return {
            "#map": [
                [itf_value(ty.key, k), itf_value(ty.value, x)] for k, x in zip(domain(ty.key), v)
            ]
        }
    if isinstance(ty, SeqType):
        return [itf_value(ty.elem, x) for x in v]
    raise TypeError(ty)


def itf_round(r: Round) -> dict:
    return {"#tup": [itf_int(x) for x in r]}


def itf_message(interp: Interpreter, m: Message) -> dict:
    decl = interp.model.message(m.type)
    return {
        "type": m.type,
        "src": str(m.src),
        "dst": str(m.dst),
        "tag": itf_round(m.tag),
        "fields": {n: itf_value(t, v) for (n, t), v in zip(decl.fields, m.fields)},
    }


def _variant(tag: str, value: object) -> dict:
    return {"tag": tag, "value": value}


NONE = _variant("None", {"#tup": []})  # the unit value of an option, as the ADR writes it


def _event(
    interp: Interpreter, index: int, step: Step | None, violations: tuple[Violation, ...]
) -> dict:
    if step is None:
        return {
            "index": itf_int(0),
            "process": "",
            "edge": "init",
            "params": {},
            "received": NONE,
            "sent": [],
            "violations": [],
            "location": interp.model.file,
        }
    edge = interp.proc_role(step.proc).edge(step.edge)
    return {
        "index": itf_int(index),
        "process": str(step.proc),
        "edge": step.edge,
        "params": {n: itf_value(t, v) for (n, t), v in zip(edge.params, step.params)},
        "received": (
            _variant("Some", itf_message(interp, step.consumed))
            if step.consumed is not None
            else NONE
        ),
        "sent": [itf_message(interp, m) for m in step.sent],
        "violations": [f"{v.condition}: {v.text}" for v in violations if v.step == index - 1],
        "location": edge_location(interp, step),
    }


def state_vars(interp: Interpreter) -> list[str]:
    names = [f"{r.name}.{v.name}" for r in interp.model.roles for v in r.vars]
    return names + ["round", "network", "event"]


def _state(
    interp: Interpreter, index: int, s: GState, step: Step | None, violations: tuple[Violation, ...]
) -> dict:
    out: dict = {"#meta": {"index": index}}
    if index == 0:
        for name, value in interp.model.constants:
            out[name] = itf_int(value)
    for role in interp.model.roles:
        procs = [(p, loc) for p, loc in zip(interp.procs, s.locals) if p.role == role.name]
        for k, decl in enumerate(role.vars):
            out[f"{role.name}.{decl.name}"] = {
                "#map": [[str(p), itf_value(decl.ty, loc[k])] for p, loc in procs]
            }
    out["round"] = {
        "#map": [
            [str(p), itf_round(interp.round_of(p, loc))] for p, loc in zip(interp.procs, s.locals)
        ]
    }
    net = sorted(
        s.network,
        key=lambda mc: (
            str(mc[0].dst),
            str(mc[0].src),
            mc[0].type,
            sort_key(mc[0].fields),
            mc[0].tag,
        ),
    )
    out["network"] = {"#map": [[itf_message(interp, m), itf_int(c)] for m, c in net]}
    out["event"] = _event(interp, index, step, violations)
    return out


def trace_itf(
    interp: Interpreter,
    trace: Trace,
    *,
    description: str,
    violations: tuple[Violation, ...] = (),
    meta: dict | None = None,
) -> dict:
    """``trace`` as an ITF object (see the module docstring); ``meta`` is merged into the
    top-level ``#meta``.  With ``violations``, the description names the first violated
    local condition and where the offending edge is."""
    model = interp.model
    if violations:
        first = violations[0]
        where = edge_location(interp, trace.steps[first.step])
        description = (
            f"{description}; violated: {first.condition} at event {first.step + 1} "
            f"({where}): {first.text}"
        )
    head: dict[str, object] = {
        "format": "ITF",
        "format-description": FORMAT_DESCRIPTION,
        "source": model.file,
        "description": description,
        "generator": "ccverify",
        "model": model.name,
        "processes": [str(p) for p in interp.procs],
    }
    if violations:
        head["violated"] = [
            {
                "condition": v.condition,
                "event": v.step + 1,  # events are numbered from 1 (docs/output.md)
                "location": edge_location(interp, trace.steps[v.step]),
                "text": v.text,
            }
            for v in violations
        ]
    head.update(meta or {})
    states = [_state(interp, 0, trace.states[0], None, violations)]
    for i, step in enumerate(trace.steps):
        states.append(_state(interp, i + 1, trace.states[i + 1], step, violations))
    return {
        "#meta": head,
        "params": [n for n, _ in model.constants],
        "vars": state_vars(interp),
        "states": states,
    }


def dump_itf(doc: dict) -> str:
    """ITF JSON text with one state per line (compact, and easy to diff)."""
    import json

    head = {k: v for k, v in doc.items() if k != "states"}
    lines = [json.dumps(head, indent=1)[:-2] + ',\n "states": [']
    states = [" " + json.dumps(st, separators=(",", ":")) for st in doc["states"]]
    lines.append(",\n".join(states))
    lines.append(" ]\n}\n")
    return "\n".join(lines)
