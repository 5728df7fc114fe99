"""Unbounded proofs (docs/algorithm.md, "Unbounded proofs"): inferred message rounds,
invariants and their counterexamples to induction, and every proof named."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import ir
from dsl.loader import load_model, load_text
from verifier.core.result import CheckOptions, Engine, Verdict
from verifier.engines.explicit import explicit_check
from verifier.engines.smtcheck import smt_check
from verifier.output.render import cti_json, format_cti, result_json
from verifier.semantics.interp import Interpreter
from verifier.synth.pipeline import strip_message_rounds

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _state_rounds(model: ir.Model, spec: dict[str, tuple[str, ...]]) -> dict:
    return {
        role: tuple(ir.Name(v, ir.NameKind.STATE, model.role(role).var(v).ty) for v in names)
        for role, names in spec.items()
    }


# ------------------------------------------------------------------ inferred rounds


def test_paxos_ballot_is_closed_for_all_bounds_with_inferred_rounds():
    """The done-when case of the issue: `Proposer: bal; Acceptor: bal` with the declared
    message rounds dropped (as synthesis checks it)."""
    model = strip_message_rounds(load_model(str(EXAMPLES / "paxos.cc")))
    rounds = _state_rounds(model, {"Proposer": ("bal",), "Acceptor": ("bal",)})
    res = smt_check(model, CheckOptions(bound=2, rounds=rounds))
    assert res.verdict is Verdict.CLOSED_ALL, res.reason
    assert res.proof is not None
    assert res.proof.method == "one-step with inferred message rounds"
    assert set(res.proof.inferred) == {
        "prepare: tag = (b)",
        "promise: tag = (b)",
        "accept: tag = (b)",
        "accepted: tag = (b)",
    }


def test_inferred_rounds_recover_the_declared_ones():
    """With the declared rounds of paxos as the round attribute, inference finds exactly
    the message rounds the model declares (constants shown as enum members)."""
    model = strip_message_rounds(load_model(str(EXAMPLES / "paxos.cc")))
    rounds = _state_rounds(model, {"Proposer": ("bal", "phase"), "Acceptor": ("bal", "phase")})
    res = smt_check(model, CheckOptions(bound=2, rounds=rounds))
    assert res.verdict is Verdict.CLOSED_ALL
    assert "promise: tag = (b, Promise)" in res.proof.inferred  # type: ignore[union-attr]


def test_raft_cc_term_is_closed_for_all_bounds_without_declared_message_rounds():
    model = strip_message_rounds(load_model(str(EXAMPLES / "raft_cc.cc")))
    rounds = _state_rounds(model, {"Server": ("currentTerm",)})
    res = smt_check(model, CheckOptions(bound=2, rounds=rounds))
    assert res.verdict is Verdict.CLOSED_ALL, res.reason
    assert "AppendEntriesRequest: tag = (term)" in res.proof.inferred  # type: ignore[union-attr]


# A message whose tag is the sender's round plus one: no atom relates it to the field
# (the candidates are =, <=, >= of fields and constants), so only bounds survive.
SHIFTED = """\
const N = 2
message M(v: 0..2)
role P[N] {
  var r: 0..3 = 0
  var seen: bool = false
  round (r)
  action adv(v: 0..2) when r < 3 and v <= r { r := r + 1; broadcast M(v) to P except self }
  on M(v) from q when v = r { seen := true }
}
"""


def test_inferred_round_with_bounds_only_and_its_counterexample_to_induction():
    model = load_text(SHIFTED)
    res = smt_check(model, CheckOptions(bound=3))
    assert res.verdict is not Verdict.CLOSED_ALL
    assert res.cti is not None and res.cti.step is not None
    assert "receive" in res.cti.broken
    assert any("M: tag >= v" in a or "tag >= v" in a for a in res.cti.assumed), res.cti.assumed


# ------------------------------------------------------------------ invariants


@pytest.mark.parametrize("name", ["last_voting", "two_phase_commit"])
def test_models_prove_with_their_invariants_not_guard_rewrites(name):
    model = load_model(str(EXAMPLES / f"{name}.cc"))
    assert any(r.invariants for r in model.roles)
    res = smt_check(model, CheckOptions(bound=2))
    assert res.verdict is Verdict.CLOSED_ALL, res.reason
    assert res.proof is not None and res.proof.method == "one-step with invariants"
    assert res.proof.invariants


def test_without_the_invariant_last_voting_proves_by_automatic_strengthening():
    """The plain one-step proof fails (on an unreachable state, the counterexample to
    induction says which); the Houdini search over candidate invariants finds the one the
    model states, and only it (minimised)."""
    text = (EXAMPLES / "last_voting.cc").read_text()
    text = text.replace("  invariant not started => ph = Collect", "")
    model = load_text(text)
    assert not any(r.invariants for r in model.roles)
    res = smt_check(model, CheckOptions(bound=2))
    assert res.verdict is Verdict.CLOSED_ALL, res.reason
    assert res.proof is not None and res.proof.method == "one-step with inferred invariants"
    assert res.proof.invariants == ("P: not started => ph = Collect",)


def test_the_plain_one_step_counterexample_to_induction_of_last_voting():
    text = (EXAMPLES / "last_voting.cc").read_text()
    text = text.replace("  invariant not started => ph = Collect", "")
    from verifier.engines import unbounded

    saved = unbounded.AUTO_SECONDS
    unbounded.AUTO_SECONDS = 1e-9  # no automatic strengthening
    try:
        res = smt_check(load_text(text), CheckOptions(bound=3))
    finally:
        unbounded.AUTO_SECONDS = saved
    assert res.verdict is Verdict.CLOSED_BOUNDED
    assert res.cti is not None and res.cti.broken == ("send",)
    assert res.cti.step is not None and res.cti.step.edge == "start"


# One role; `note` is sent to the process itself, `ping` to the others.
SELF_NOTES = """\
const N = 2
message note(m: 0..2)
message ping(m: 0..2)
role P[N] {
  var r: 0..2 = 0
  var c: 0..2 = 0
  round (r)
  INVARIANTS
  action tick when r < 2 { r := r + 1; send note(r) to self; broadcast ping(r) to P except self }
  on note(m) from q when m = r { c := m }
  on ping(m) from q when m = r { c := m }
}
"""


def _with(invariants: str):
    return load_text(SELF_NOTES.replace("INVARIANTS", invariants))


def test_true_message_invariant_of_a_self_send_is_inductive():
    res = smt_check(
        _with("invariant on note(m) from q => m <= r and q = self"), CheckOptions(bound=3)
    )
    assert res.cti is None or "not inductive" not in res.cti.what, res.cti


@pytest.mark.parametrize(
    "invariant, kind",
    [
        ("invariant r = 0", "local"),  # false after tick
        ("invariant c = 1", "initial"),  # false initially
        ("invariant on note(m) from q => m = r", "keep"),  # tick moves r past m
        ("invariant on ping(m) from q => m <= r", "send"),  # the receiver may lag
    ],
)
def test_wrong_invariant_gives_a_counterexample_to_induction_not_a_proof(invariant, kind):
    """The protocol is closed without invariants: the proof found does not use the wrong
    invariant, and the counterexample to induction is reported all the same."""
    model = _with(invariant)
    res = smt_check(model, CheckOptions(bound=3))
    assert res.proof is None or not res.proof.invariants
    cti = res.cti
    assert cti is not None
    assert cti.broken == (f"P: {invariant.removeprefix('invariant ')}",)
    interp = Interpreter(model)
    text = "\n".join(format_cti(interp, cti))
    assert text.startswith("counterexample to induction: ")
    if kind == "initial":
        assert cti.step is None and "initial state" in cti.what
    else:
        assert cti.step is not None and "not inductive" in cti.what
    if kind == "send":
        assert cti.receiver is not None and "receiver P[" in text
    if kind == "keep":
        assert cti.other is not None and "in flight: note(" in text
    cti_json(interp, cti)  # renders
    # every one of these invariants is false, and a short trace shows it
    if kind != "initial":
        assert any("is false: after" in n for n in res.notes), res.notes


@pytest.mark.parametrize(
    "invariant",
    [
        "(not started => ph = Collect) and phi = 1",  # broken by end_decide: not inductive
        "not started => ph = Collect and x = 1",  # false initially
    ],
)
def test_a_needed_invariant_that_is_wrong_is_reported_and_not_used(invariant):
    """The proof, if any, comes from automatic strengthening, never from the wrong
    invariant, and the counterexample to induction of the wrong one is reported."""
    text = (EXAMPLES / "last_voting.cc").read_text()
    text = text.replace("invariant not started => ph = Collect", f"invariant {invariant}")
    res = smt_check(load_text(text), CheckOptions(bound=3))
    assert res.proof is None or f"P: {invariant}" not in res.proof.invariants
    assert res.proof is None or res.proof.method == "one-step with inferred invariants"
    assert res.cti is not None and res.cti.broken == (f"P: {invariant}",)


def test_result_json_names_the_proof_and_the_cti():
    model = load_model(str(EXAMPLES / "two_phase_commit.cc"))
    res = smt_check(model, CheckOptions(bound=2))
    doc = result_json(res)
    assert doc["proof"]["method"] == "one-step with invariants"
    assert doc["proof"]["invariants"] == ["Coordinator: not started => phase = VoteRequest"]
    assert doc["counterexample_to_induction"] is None


def test_explicit_closed_all_names_its_proof():
    model = load_model(str(EXAMPLES / "ping_closed.cc"))
    res = explicit_check(model, CheckOptions(bound=2, engine=Engine.EXPLICIT))
    if res.verdict is Verdict.CLOSED_ALL:
        assert res.proof is not None and res.proof.method == "exhaustive exploration"
