"""ccverify as a library: the one front door of the back end.

Installed, this module is also the top-level package ``ccverify`` (the wheel ships it as
``ccverify/__init__.py``; see ARCHITECTURE.md, "Packaging")::

    import ccverify

    model = ccverify.load_model("examples/ping_stale.cc")
    result = ccverify.check(model, bound=4, engine=ccverify.Engine.EXPLICIT)
    print(result.describe(), len(result.trace))      # not closed 4

Everything a caller needs is re-exported here: loading models (:func:`load_model`,
:func:`load_text`), checking (:func:`check`, :class:`CheckOptions`, :class:`CheckResult`,
:class:`Verdict`, :class:`Engine`), synthesis (:func:`synthesize`, :class:`SynthOptions`,
:class:`SynthReport`) and the errors (:class:`CCError` and its subclasses).  The
semantics these implement is docs/semantics.md.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from typing import Any

DISTRIBUTION = "ccverify"
PACKAGES = ("dsl", "verifier")


def foreign_packages() -> list[str]:
    """The names of :data:`PACKAGES` that resolve to another distribution's code.

    NOTE(shadowing): ccverify installs the top-level packages ``dsl`` and ``verifier``;
    other PyPI projects use those names too, and pip silently overwrites files when both
    are installed.  Each of our packages' ``__init__.py`` carries the line
    ``__distribution__ = "ccverify"``; this reads the files without importing them, so a
    foreign ``__init__`` never runs before the check."""
    out = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            with open(origin or "", encoding="utf-8") as f:
                ours = f'__distribution__ = "{DISTRIBUTION}"' in f.read()
        except OSError:
            ours = False
        if not ours:
            out.append(f"{name} ({origin or 'not found'})")
    return out


def main(argv: list[str] | None = None) -> int:
    """The ``ccverify`` command: the installation check, then :func:`verifier.cli.main`."""
    foreign = foreign_packages()
    if foreign:
        print(
            f"ccverify: internal error: the package(s) {', '.join(foreign)} are not "
            f"ccverify's (another installed distribution uses the same name); install "
            f"ccverify in a virtual environment of its own",
            file=sys.stderr,
        )
        return 6
    from verifier.cli import main as cli_main

    return cli_main(argv)


if not foreign_packages():
    from dsl.errors import CCError, InternalError, ModelError, UsageError
    from dsl.ir import Model
    from dsl.loader import load_model, load_text
    from verifier.core.result import CheckOptions, CheckResult, Engine, Verdict
    from verifier.synth.pipeline import SynthOptions, SynthReport, synthesize

    def check(
        model: Model,
        options: CheckOptions | None = None,
        *,
        progress: Callable[[str], None] | None = None,
        **fields: Any,
    ) -> CheckResult:
        """Check ``model`` for communication closure: with ``options``, or with
        :class:`CheckOptions` built from ``fields`` (``bound=6, engine=Engine.EXPLICIT``).
        The result carries its interpreter, the verdict, the replayed counterexample
        and the statistics."""
        from verifier.engines.dispatch import run_check

        if options is None:
            options = CheckOptions(**fields)
        elif fields:
            raise UsageError("give either options or option fields, not both")
        return run_check(model, options, progress)


__all__ = [
    "CCError",
    "CheckOptions",
    "CheckResult",
    "Engine",
    "InternalError",
    "Model",
    "ModelError",
    "SynthOptions",
    "SynthReport",
    "UsageError",
    "Verdict",
    "check",
    "load_model",
    "load_text",
    "main",
    "synthesize",
]
