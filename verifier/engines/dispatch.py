"""The one place that picks an engine for a check."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from dsl.ir import Model
from dsl.options import with_observe
from verifier.core.result import CheckOptions, CheckResult, Engine


def run_check(
    model: Model, opts: CheckOptions, progress: Callable[[str], None] | None = None
) -> CheckResult:
    """Run the engine the options name (``auto``: :func:`choose_engine`'s pick)."""
    model = with_observe(model, opts.observe)
    auto = opts.engine is Engine.AUTO
    if auto:
        engine, why = choose_engine(model, opts)
        opts = dataclasses.replace(opts, engine=engine)
        if progress:
            progress(f"engine auto: {engine.value} ({why})")
    if opts.engine is Engine.EXPLICIT:
        from verifier.engines.explicit import explicit_check

        result = explicit_check(model, opts, progress)
    else:
        from verifier.engines.smtcheck import smt_check

        result = smt_check(model, opts, progress)
    result.stats.auto = auto
    return result


def choose_engine(model: Model, opts: CheckOptions) -> tuple[Engine, str]:
    """The engine ``--engine auto`` runs, and why (docs/performance.md has the figures)."""
    return (
        Engine.EXPLICIT,
        "the explicit engine is faster on every benchmark of docs/performance.md",
    )
