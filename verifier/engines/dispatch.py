"""The one place that picks an engine for a check."""

from __future__ import annotations

from collections.abc import Callable

from dsl.ir import Model
from verifier.core.result import CheckOptions, CheckResult, Engine


def run_check(
    model: Model, opts: CheckOptions, progress: Callable[[str], None] | None = None
) -> CheckResult:
    """Run the engine the options name."""
    if opts.engine is Engine.EXPLICIT:
        from verifier.engines.explicit import explicit_check

        return explicit_check(model, opts, progress)
    from verifier.engines.smtcheck import smt_check

    return smt_check(model, opts, progress)
