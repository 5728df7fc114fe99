"""Soundness of the unbounded proofs on generated protocols (tests/genmodels.py).

For every generated protocol, with its declared message rounds and without them (so that
message rounds are inferred), and with random invariant declarations:

* an unbounded proof (``closed (all bounds)``) is never issued for a protocol that the
  explicit engine or the bounded SMT search refutes at a bound;
* an invariant set reported inductive is never broken by a reachable state within a
  bound (the explicit search of :mod:`verifier.semantics.invariants`).

A fast deterministic sample runs by default (without automatic strengthening, which
costs about a second per protocol that has no other proof, and a smaller one with it);
the 500-protocol run, with it, is marked slow.
"""

from __future__ import annotations

from collections import Counter

import pytest
from genmodels import VARS, bool_expr, protocols
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.loader import load_text
from verifier.core.result import CheckOptions, Engine, Verdict
from verifier.engines.explicit import explicit_check
from verifier.engines.smtcheck import smt_check
from verifier.semantics.interp import Interpreter
from verifier.semantics.invariants import reachable_violation
from verifier.synth.pipeline import strip_message_rounds

SEEN: Counter = Counter()
TEMPLATES = ("r <= 2", "x >= 0 and y <= 2", "r >= x", "x = 0 or r > 0")
MSG_TEMPLATES = ("v <= 2", "v <= r", "v >= r", "v > 0 => r > 0")


@st.composite
def with_invariants(draw) -> str:
    """A generated protocol, sometimes with a local and/or a message invariant (from
    templates, some inductive, or random)."""
    text = draw(protocols())
    lines = text.rstrip("\n").split("\n")
    extra = []
    if draw(st.integers(0, 2)) > 0:
        pick = draw(st.integers(0, len(TEMPLATES)))
        extra.append(TEMPLATES[pick] if pick < len(TEMPLATES) else draw(bool_expr(VARS)))
    if draw(st.booleans()):
        pick = draw(st.integers(0, len(MSG_TEMPLATES)))
        body = MSG_TEMPLATES[pick] if pick < len(MSG_TEMPLATES) else draw(bool_expr((*VARS, "v")))
        extra.append(f"on M(v) from q => {body}")
    lines[-1:-1] = [f"  invariant {e}" for e in extra]
    return "\n".join(lines) + "\n"


def _invariant_cti(res) -> bool:
    return res.cti is not None and any(b.startswith("P: ") for b in res.cti.broken)


def check_protocol(text: str, bound: int = 4, strengthen: bool = True) -> None:
    base = load_text(text)
    for variant, model in (("declared", base), ("inferred", strip_message_rounds(base))):
        # the proof does not depend on the bound
        res = smt_check(model, CheckOptions(bound=1, strengthen=strengthen))
        has_invs = any(r.invariants for r in model.roles)
        if has_invs:
            inductive = not _invariant_cti(res)
            SEEN["invariants inductive" if inductive else "invariants not inductive"] += 1
            if inductive:
                hit = reachable_violation(Interpreter(model), bound + 1)
                assert hit is None, (variant, text, hit)
        if res.verdict is not Verdict.CLOSED_ALL:
            SEEN[f"{variant}: no proof"] += 1
            continue
        assert res.proof is not None
        SEEN[f"{variant}: {res.proof.method}"] += 1
        ex = explicit_check(
            model, CheckOptions(bound=bound + 1, engine=Engine.EXPLICIT, one_step=False)
        )
        assert ex.verdict is not Verdict.NOT_CLOSED, (variant, res.proof.text, text)
        sm = smt_check(model, CheckOptions(bound=bound, one_step=False))
        assert sm.verdict is not Verdict.NOT_CLOSED, (variant, res.proof.text, text)


SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


# A deterministic sample of the 500-protocol run below (20: about a third of the
# suite's slowest test before; the coverage check after it still holds).
@settings(max_examples=20, **SETTINGS)
@given(with_invariants())
def test_no_unbounded_proof_is_refuted_sample(text):
    check_protocol(text, bound=2, strengthen=False)


@settings(max_examples=8, **SETTINGS)
@given(with_invariants())
def test_no_strengthened_proof_is_refuted_sample(text):
    check_protocol(text, bound=2)


def test_sample_covers_the_proofs():
    """Runs after the sample: the generator must exercise the proofs and their failures,
    else the property above says little."""
    print(f"unbounded proofs on generated protocols: {dict(SEEN)}")
    assert SEEN["inferred: one-step with inferred message rounds"] >= 2, SEEN
    assert SEEN["declared: no proof"] + SEEN["inferred: no proof"] >= 10, SEEN
    assert SEEN["invariants inductive"] >= 3 and SEEN["invariants not inductive"] >= 3, SEEN


@pytest.mark.slow
@settings(max_examples=500, **SETTINGS)
@given(with_invariants())
def test_no_unbounded_proof_is_refuted_500(text):
    check_protocol(text, bound=4)
