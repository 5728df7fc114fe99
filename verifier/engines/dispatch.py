"""The one place that picks an engine for a check."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from dsl.ir import Model
from dsl.options import with_observe
from verifier.core.result import CheckOptions, CheckResult, Engine
from verifier.semantics.interp import Interpreter


def run_check(
    model: Model, opts: CheckOptions, progress: Callable[[str], None] | None = None
) -> CheckResult:
    """Compile ``model`` once (with the rounds and observations of ``opts``), run the
    engine the options name, and return its result carrying that interpreter
    (NOTE(result-context)).  ``auto``: the SMT engine's one-step proof (the only unbounded
    proof that works for every model), then the bounded search of :func:`choose_engine`'s
    pick; the result names the engine that gave the verdict."""
    model = with_observe(model, opts.observe)
    interp = Interpreter(model, opts.rounds)
    interp.initial()  # initial values outside their types: a model error, for every engine
    start = time.monotonic()
    auto = opts.engine is Engine.AUTO
    calls = 0
    if auto and opts.smt2_dir:
        # --smt2 asks for the SMT engine's queries: run that engine.
        opts = dataclasses.replace(opts, engine=Engine.SMT)
    elif auto:
        if opts.one_step:
            from verifier.engines.smtcheck import one_step_proof

            proof = one_step_proof(model, opts, interp=interp)
            if proof is not None:
                proof.stats.auto = True
                return proof
            calls = 1
            if progress:
                progress("engine auto: the one-step proof (smt) fails")
        engine, why = choose_engine(model, opts)
        opts = dataclasses.replace(opts, engine=engine)
        if progress:
            progress(f"engine auto: {engine.value} for the bounded search ({why})")
    if opts.engine is Engine.EXPLICIT:
        from verifier.engines.explicit import explicit_check

        result = explicit_check(model, opts, progress, interp=interp)
    else:
        from verifier.engines.smtcheck import smt_check

        result = smt_check(model, opts, progress, interp=interp)
    if auto:
        result.stats.auto = True
        result.stats.solver_calls += calls
        result.stats.seconds = time.monotonic() - start
    return result


def choose_engine(model: Model, opts: CheckOptions) -> tuple[Engine, str]:
    """The engine ``--engine auto`` runs for the bounded search once the one-step proof
    has failed, and why.  The explicit engine was the faster one on every cell of
    benchmarks/deep.py and benchmarks/bench.py where both finished (docs/performance.md)."""
    return Engine.EXPLICIT, "faster than smt on every benchmark of docs/performance.md"
