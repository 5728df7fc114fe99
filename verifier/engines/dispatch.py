"""The one place that picks an engine for a check."""

from __future__ import annotations

from collections.abc import Callable

from dsl.ir import Model
from verifier.core.result import CheckOptions, CheckResult, Engine
from verifier.semantics.interp import Interpreter


def run_check(
    model: Model, opts: CheckOptions, progress: Callable[[str], None] | None = None
) -> CheckResult:
    """Compile ``model`` once (with the rounds of ``opts``), run the engine the options
    name, and return its result carrying that interpreter (NOTE(result-context))."""
    interp = Interpreter(model, opts.rounds)
    interp.initial()  # initial values outside their types: a model error, for every engine
    if opts.engine is Engine.EXPLICIT:
        from verifier.engines.explicit import explicit_check

        return explicit_check(model, opts, progress, interp=interp)
    from verifier.engines.smtcheck import smt_check

    return smt_check(model, opts, progress, interp=interp)
