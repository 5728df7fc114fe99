"""The protocol corpus: every example reaches the verdict its header reasons for.

Each model's header explains its expected verdict; its `# expect:` lines restate it in a
form this module reads:

    # expect: closed-all at bound 6                  one-step proof (closed, all bounds)
    # expect: closed at bound 6                      closed up to bound 6
    # expect: not-closed at bound 6 length 5         shortest counterexample has 5 events
    # expect: ... set NA=1                           with constants overridden
    # expect: ... slow                               only in the slow run (-m slow)

The parser is the package's (verifier/engines/expect.py, shared with ``ccverify test``).
The verdicts are computed by the SMT engine and, independently, by the explicit engine
(which must agree on the verdict class and the counterexample length).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dsl.loader import load_model
from verifier.core.result import CheckOptions, Engine, Verdict
from verifier.engines.expect import Expectation, parse_expectations
from verifier.engines.explicit import explicit_check
from verifier.engines.smtcheck import smt_check
from verifier.semantics.interp import Interpreter

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MODELS = sorted(EXAMPLES.glob("*.cc"))


def expectations() -> list[Expectation]:
    return [e for path in MODELS for e in parse_expectations(path)]


def _params():
    return [
        pytest.param(e, id=e.id, marks=[pytest.mark.slow] if e.slow else []) for e in expectations()
    ]


def test_every_example_states_an_expectation():
    stated = {e.model for e in expectations()}
    assert [m.name for m in MODELS if m not in stated] == []


@pytest.mark.parametrize("path", MODELS, ids=[m.stem for m in MODELS])
def test_example_parses_and_simulates_200_steps(path):
    model = load_model(str(path))
    interp = Interpreter(model)
    rng = random.Random(7)
    state, steps = interp.initial(), []
    for _ in range(200):
        succ = interp.successors(state)
        if not succ:  # finished or stuck: start a new run
            interp.replay(steps)
            state, steps = interp.initial(), []
            continue
        step, state = succ[rng.randrange(len(succ))]
        steps.append(step)
    interp.replay(steps)


def _assert_meets(exp: Expectation, result) -> None:
    if exp.verdict == "closed-all":
        assert result.verdict is Verdict.CLOSED_ALL, result.reason
    elif exp.verdict == "closed":
        assert result.verdict.closed, result.verdict
    else:
        assert result.verdict is Verdict.NOT_CLOSED, result.verdict
        assert len(result.trace) == exp.length


@pytest.mark.parametrize("exp", _params())
def test_smt_engine_reaches_the_expected_verdict(exp):
    model = load_model(str(exp.model), dict(exp.overrides))
    _assert_meets(exp, smt_check(model, CheckOptions(bound=exp.bound)))


@pytest.mark.parametrize("exp", _params())
def test_explicit_engine_agrees_on_the_bounded_question(exp):
    """Without the one-step shortcut, both engines answer the bounded question itself."""
    model = load_model(str(exp.model), dict(exp.overrides))
    ex = explicit_check(
        model, CheckOptions(bound=exp.bound, engine=Engine.EXPLICIT, one_step=False, timeout=60)
    )
    assert ex.verdict is not Verdict.UNKNOWN, ex.reason
    if exp.verdict == "not-closed":
        _assert_meets(exp, ex)
    else:
        assert ex.verdict.closed


@pytest.mark.slow
@pytest.mark.parametrize("path", MODELS, ids=[m.stem for m in MODELS])
def test_engines_agree_at_every_bound(path):
    """docs/semantics.md §8: same verdict and shortest counterexample length at every bound the
    explicit engine finishes within 30 s."""
    model = load_model(str(path))
    for bound in range(1, 9):
        ex = explicit_check(
            model, CheckOptions(bound=bound, engine=Engine.EXPLICIT, one_step=False, timeout=30)
        )
        if ex.verdict is Verdict.UNKNOWN:
            break
        sm = smt_check(model, CheckOptions(bound=bound, one_step=False))
        assert sm.verdict.closed == ex.verdict.closed, (bound, sm.verdict, ex.verdict)
        if not ex.verdict.closed:
            assert len(sm.trace) == len(ex.trace)
            break
