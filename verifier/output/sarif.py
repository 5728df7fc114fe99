"""SARIF 2.1.0 (the OASIS Static Analysis Results Interchange Format) for CI systems.

One run per invocation; one result per counterexample, located at the offending event's
edge (``file:line:col`` of the edge whose event breaks a local condition, else of the last
event), with the whole trace as a code flow (one thread-flow location per event, in trace
order).  A closed verdict has no result; an unknown verdict is one ``warning`` result at
the model file.  GitHub code scanning and other SARIF viewers show the results as
annotations on the model source.
"""

from __future__ import annotations

from dsl.ir import Span
from verifier.core.result import CheckResult, Verdict
from verifier.core.runtime import Step
from verifier.output.render import format_message
from verifier.semantics.conditions import fmt_round
from verifier.semantics.interp import Interpreter

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

RULES = [
    {
        "id": "CC001",
        "name": "NotCommunicationClosed",
        "shortDescription": {"text": "The protocol is not communication-closed"},
        "fullDescription": {
            "text": "A trace exists that no round-grouped trace of at most the witness "
            "bound reproduces, process by process (docs/semantics.md)."
        },
        "defaultConfiguration": {"level": "error"},
    },
    {
        "id": "CC002",
        "name": "VerdictUnknown",
        "shortDescription": {"text": "The check gave no verdict (a solver or a limit)"},
        "defaultConfiguration": {"level": "warning"},
    },
]


def _region(span: Span | None) -> dict:
    if span is None:
        return {}
    return {
        "region": {
            "startLine": span.line,
            "startColumn": span.col,
            "endLine": max(span.end_line, span.line),
            "endColumn": max(span.end_col, 1),
        }
    }


def _location(uri: str, span: Span | None, message: str | None = None) -> dict:
    loc: dict = {"physicalLocation": {"artifactLocation": {"uri": uri}, **_region(span)}}
    if message:
        loc["message"] = {"text": message}
    return loc


def _edge_span(interp: Interpreter, step: Step) -> Span | None:
    return interp.proc_role(step.proc).edge(step.edge).span


def _event_text(interp: Interpreter, i: int, step: Step) -> str:
    pre = interp.round_of(step.proc, step.pre)
    post = interp.round_of(step.proc, step.post)
    rounds = fmt_round(pre) if pre == post else f"{fmt_round(pre)} -> {fmt_round(post)}"
    text = f"{i + 1}. {step.proc} {step.edge}, round {rounds}"
    if step.consumed is not None:
        text += f"; received {format_message(interp, step.consumed, direction='from')}"
    if step.sent:
        text += "; sent " + ", ".join(format_message(interp, m) for m in step.sent)
    return text


def sarif_log(interp: Interpreter, result: CheckResult, *, version: str) -> dict:
    """The SARIF log of one check."""
    model = interp.model
    uri = model.file
    results = []
    if result.verdict is Verdict.NOT_CLOSED and result.trace is not None:
        steps = result.trace.steps
        offending = result.violations[0].step if result.violations else len(steps) - 1
        why = result.violations[0].text if result.violations else result.reason
        flow = [
            {
                "location": _location(uri, _edge_span(interp, s), _event_text(interp, i, s)),
                "executionOrder": i + 1,
                **({"importance": "essential"} if i == offending else {}),
            }
            for i, s in enumerate(steps)
        ]
        results.append(
            {
                "ruleId": "CC001",
                "ruleIndex": 0,
                "level": "error",
                "message": {
                    "text": f"{model.name} is not communication-closed: a trace of "
                    f"{len(steps)} events has no round-grouped equivalent of at most "
                    f"{result.witness_bound} events; event {offending + 1} "
                    f"({steps[offending].proc} {steps[offending].edge}): {why}"
                },
                "locations": [_location(uri, _edge_span(interp, steps[offending]))],
                "codeFlows": [{"threadFlows": [{"locations": flow}]}],
                "properties": {
                    "bound": result.bound,
                    "event": offending + 1,
                    "conditions": sorted({v.condition for v in result.violations}),
                },
            }
        )
    elif result.verdict is Verdict.UNKNOWN:
        results.append(
            {
                "ruleId": "CC002",
                "ruleIndex": 1,
                "level": "warning",
                "message": {"text": f"{model.name}: verdict unknown: {result.reason}"},
                "locations": [_location(uri, model.span)],
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ccverify",
                        "version": version,
                        "rules": RULES,
                    }
                },
                "artifacts": [{"location": {"uri": uri}, "roles": ["analysisTarget"]}],
                "invocations": [
                    {"executionSuccessful": True, "exitCode": result.verdict.exit_code}
                ],
                "results": results,
                "properties": {
                    "verdict": result.verdict.value,
                    "bound": result.bound,
                    "witness_bound": result.witness_bound,
                    "engine": result.engine.value,
                    "reason": result.reason,
                },
            }
        ],
    }
