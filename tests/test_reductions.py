"""Every reduction of the explicit engine against the unreduced search.

The reductions — symmetry (verifier.semantics.symmetry), the targeted witness search and
the skipping of stuttering / clean nodes (verifier.engines.explicit) — must give the same
verdict and the same shortest counterexample length as the unreduced search, which
enumerates every round-grouped trace up front and keys nodes by the plain (state,
projections) pair.  Generated protocols (tests/genmodels.py, with symmetric and
asymmetric uses of process ids) and every example at small bounds; a fast deterministic
sample runs by default, the full set under ``-m slow``.
"""

from __future__ import annotations

import glob
import os

import pytest
from genmodels import protocols
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.loader import load_model, load_text
from verifier.core.result import CheckOptions, Engine, Verdict
from verifier.engines.explicit import explicit_check
from verifier.semantics.symmetry import symmetric_roles

EXAMPLES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "examples", "*.cc")))
SEEN: dict[str, int] = {"closed": 0, "not closed": 0, "symmetric": 0, "asymmetric": 0}


def _run(model, bound: int, symmetry: bool, targeted: bool):
    opts = CheckOptions(bound=bound, engine=Engine.EXPLICIT, one_step=False, symmetry=symmetry)
    return explicit_check(model, opts, targeted=targeted)


def _compare(model, bound: int) -> Verdict:
    ref = _run(model, bound, symmetry=False, targeted=False)
    assert ref.verdict is not Verdict.UNKNOWN, ref.reason
    for symmetry, targeted in ((True, True), (True, False), (False, True)):
        got = _run(model, bound, symmetry, targeted)
        what = f"symmetry={symmetry} targeted={targeted}"
        assert got.verdict is ref.verdict, (what, got.verdict, ref.verdict)
        if ref.trace is not None:
            assert got.trace is not None and len(got.trace) == len(ref.trace), what
    return ref.verdict


def _generated(text: str, bound: int) -> None:
    model = load_text(text)
    SEEN["symmetric" if symmetric_roles(model) else "asymmetric"] += 1
    verdict = _compare(model, bound)
    SEEN["closed" if verdict.closed else "not closed"] += 1


_SETTINGS = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(max_examples=40, **_SETTINGS)
@given(protocols(pids=True), st.integers(2, 4))
def test_reductions_agree_on_a_sample_of_generated_protocols(text, bound):
    _generated(text, bound)


@pytest.mark.slow
@settings(max_examples=320, **_SETTINGS)
@given(protocols(pids=True), st.integers(2, 5))
def test_reductions_agree_on_generated_protocols(text, bound):
    _generated(text, bound)


def test_generated_sample_covers_both_verdicts_and_symmetry():
    """Runs after the sample: the agreement must have been tested on both verdicts and
    on symmetric and asymmetric roles."""
    print(f"reductions: {SEEN}")
    assert min(SEEN.values()) >= 3, SEEN


@pytest.mark.parametrize("path", EXAMPLES, ids=[os.path.basename(p) for p in EXAMPLES])
def test_reductions_agree_on_examples(path):
    _compare(load_model(path), 4)


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=[os.path.basename(p) for p in EXAMPLES])
def test_reductions_agree_on_examples_deeper(path):
    _compare(load_model(path), 6)


def test_symmetric_roles_detected():
    raft = load_model(os.path.join(os.path.dirname(__file__), "..", "examples", "raft.cc"))
    assert symmetric_roles(raft) == ("Server",)
    text = """
const N = 3
message M(v: 0..1)
role P[N] {
  var leader: P
  var r: 0..1 = 0
  round (r)
  action go when self = leader and r = 0 { r := 1; broadcast M(r) to P except self }
  on M(v) from q when v > r { r := v }
}
"""
    assert symmetric_roles(load_text(text)) == ()  # 'leader' defaults to process 0


def test_symmetry_is_reported_and_switchable():
    raft = load_model(os.path.join(os.path.dirname(__file__), "..", "examples", "raft.cc"))
    on = _run(raft, 5, symmetry=True, targeted=True)
    off = _run(raft, 5, symmetry=False, targeted=True)
    assert on.stats.symmetry == "Server × 3" and off.stats.symmetry == ""
    assert on.verdict is off.verdict is Verdict.NOT_CLOSED
    assert len(on.trace) == len(off.trace) == 5
    assert on.stats.nodes < off.stats.nodes
