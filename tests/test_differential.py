"""The SMT engine and the explicit engine must agree (docs/semantics.md §8).

On generated protocols (tests/genmodels.py) and on the examples: the same verdict class
(closed / not closed) and the same shortest counterexample length.  A disagreement is the
most important bug in the project.
"""

from __future__ import annotations

import pytest
from genmodels import protocols
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.loader import load_text
from verifier.core.result import CheckOptions, Engine, Verdict
from verifier.engines.explicit import explicit_check
from verifier.engines.smtcheck import smt_check

SEEN: dict[str, int] = {"closed": 0, "not closed": 0}


def _agree(model, bound: int, one_step: bool = True):
    ex = explicit_check(model, CheckOptions(bound=bound, engine=Engine.EXPLICIT, one_step=one_step))
    sm = smt_check(model, CheckOptions(bound=bound, one_step=one_step))
    assert ex.verdict is not Verdict.UNKNOWN and sm.verdict is not Verdict.UNKNOWN
    assert ex.verdict.closed == sm.verdict.closed, (ex.verdict, sm.verdict)
    if not ex.verdict.closed:
        assert len(ex.trace) == len(sm.trace)
    return ex, sm


# derandomize: the same protocols on every run, so the coverage checks below cannot flake
# (a random draw once gave 18 not-closed protocols instead of the usual 30-40 of 200).
# The default suite runs a deterministic sample of 40; the slow suite all 200.
SETTINGS = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check_generated(text: str, bound: int, one_step: bool, seen: dict[str, int]) -> None:
    model = load_text(text)
    ex, _ = _agree(model, bound, one_step=one_step)
    seen["closed" if ex.verdict.closed else "not closed"] += 1


SAMPLE: dict[str, int] = {"closed": 0, "not closed": 0}


@settings(max_examples=40, **SETTINGS)
@given(protocols(), st.integers(2, 4), st.booleans())
def test_engines_agree_on_a_sample_of_generated_protocols(text, bound, one_step):
    _check_generated(text, bound, one_step, SAMPLE)


def test_the_sample_covers_both_verdicts():
    """Runs after the sample: both kinds of protocol occur, else agreement says little."""
    print(f"generated protocols (sample): {SAMPLE}")
    assert SAMPLE["closed"] >= 5 and SAMPLE["not closed"] >= 5, SAMPLE


@pytest.mark.slow
@settings(max_examples=200, **SETTINGS)
@given(protocols(), st.integers(2, 4), st.booleans())
def test_engines_agree_on_generated_protocols(text, bound, one_step):
    _check_generated(text, bound, one_step, SEEN)


@pytest.mark.slow
def test_generated_protocols_cover_both_verdicts():
    """Runs after the property test: the generator must produce both kinds of protocol,
    else the agreement above would say little."""
    print(f"generated protocols: {SEEN}")
    assert SEEN["closed"] >= 20 and SEEN["not closed"] >= 20, SEEN
