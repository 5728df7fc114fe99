"""The ``ccverify`` command line.  The only place that prints and chooses exit codes.

Exit codes (docs/semantics.md §8): 0 closed, 10 not closed, 5 unknown, 3 model error,
2 usage error, 6 internal error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from typing import TYPE_CHECKING

from dsl.errors import CCError, ModelError, UsageError
from verifier.core.versions import ccverify_version

if TYPE_CHECKING:
    from dsl.ir import Model
    from verifier.core.result import CheckOptions, CheckResult
    from verifier.semantics.interp import Interpreter

COMMANDS = ("check", "explain", "parse", "simulate", "synth", "survey")


def _overrides(pairs: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = int(value)
        except ValueError:
            raise UsageError(f"--set expects NAME=INTEGER, got {pair!r}") from None
    return out


def _model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the protocol model (.cc)")
    p.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        default=[],
        help="override a constant of the model (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="ccverify",
        description="Decide whether a distributed protocol is communication-closed. "
        "`ccverify FILE --bound K` is short for `ccverify check FILE --bound K`.",
        epilog="exit codes: 0 closed, 10 not closed, 5 unknown, 3 model error, "
        "2 usage error, 6 internal error, 130 interrupted",
    )
    top.add_argument("--version", action="version", version=f"ccverify {ccverify_version()}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")

    checking = (
        sub.add_parser("check", help="bounded communication-closure check (the default)"),
        sub.add_parser(
            "explain",
            help="check, then show a trace and its round-grouped reordering side by side",
        ),
    )
    for c in checking:
        _model_args(c)
        c.add_argument("--bound", "-k", type=int, default=6, help="events per trace (default 6)")
        c.add_argument(
            "--witness-bound",
            type=int,
            default=None,
            help="events per round-grouped witness (default: the bound; at least it)",
        )
        c.add_argument(
            "--engine",
            choices=["smt", "explicit"],
            default="smt",
            help="smt: z3/cvc5 through pysmt, with the unbounded one-step proof "
            "(default); explicit: exhaustive search, the reference",
        )
        c.add_argument(
            "--solver",
            choices=["z3", "cvc5"],
            default="z3",
            help="SMT solver (default z3; cvc5 needs pip install ccverify[cvc5])",
        )
        c.add_argument(
            "--timeout",
            type=float,
            default=None,
            metavar="SECONDS",
            help="limit for the whole check; past it the verdict is unknown",
        )
        c.add_argument(
            "--smt2",
            metavar="DIR",
            default=None,
            help="dump every solver query here as a standalone SMT-LIB2 file "
            "(earlier query*.smt2 files in DIR are replaced)",
        )
        c.add_argument(
            "--no-one-step", action="store_true", help="skip the unbounded one-step proof"
        )
        c.add_argument(
            "--no-strengthen",
            action="store_true",
            help="no automatic search for invariants when the one-step proofs fail",
        )
        c.add_argument("--json", action="store_true", help="print one JSON object")
        c.add_argument("--full", action="store_true", help="show all variables in traces")
        c.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
        c.add_argument(
            "--no-color",
            action="store_true",
            help="no colour (also when NO_COLOR is set or stdout is not a terminal)",
        )
        c.add_argument(
            "--diagram",
            metavar="FILE",
            default=None,
            help="draw the counterexample (or, when closed, a sample trace) and "
            "its reordering by kappa as a space-time diagram (.svg or .png)",
        )
        c.add_argument(
            "--itf",
            metavar="FILE",
            default=None,
            help="write the counterexample (or, when closed, a sample trace) as "
            "an ITF trace (Apalache's JSON trace format)",
        )
        c.add_argument(
            "--seed",
            type=int,
            default=0,
            help="seed of the random search for a sample trace of a closed protocol (default 0)",
        )

    p = sub.add_parser("parse", help="parse and check a model, print its summary")
    _model_args(p)
    p.add_argument("--json", action="store_true", help="dump the IR as JSON")

    s = sub.add_parser("simulate", help="print one random trace")
    _model_args(s)
    s.add_argument("--steps", type=int, default=20, help="events to fire (default 20)")
    s.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    s.add_argument("--full", action="store_true", help="show all variables")
    _synth_parsers(sub)
    return top


def _synth_parsers(sub) -> None:
    """`synth` and `survey` (round-attribute synthesis, docs/findings.md)."""

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--bound", "-k", type=int, default=6, help="events per trace")
        p.add_argument("--witness-bound", type=int, default=None)
        p.add_argument(
            "--jobs", "-j", type=int, default=1, help="closure checks run in this many processes"
        )
        p.add_argument(
            "--engine",
            choices=["smt", "explicit"],
            default="smt",
            help="engine of the closure checks",
        )
        p.add_argument(
            "--attr-engine",
            choices=["explicit", "smt"],
            default="explicit",
            help="engine of the bounded monotonicity/granularity facts",
        )
        p.add_argument("--solver", choices=["z3", "cvc5"], default="z3")
        p.add_argument(
            "--timeout",
            type=float,
            default=None,
            metavar="SECONDS",
            help="per closure check (verdict unknown past it)",
        )
        p.add_argument(
            "--max-combos",
            type=int,
            default=12,
            help="multi-role round combinations kept per arity",
        )
        p.add_argument(
            "--max-checks",
            type=int,
            default=None,
            help="closure checks per model, by priority (declared round, the "
            "--attribute, listed candidates, granularity)",
        )
        p.add_argument(
            "--attribute",
            default=None,
            metavar="NAME",
            help="the attribute asked about, checked first (default: any mentioning 'commit')",
        )
        p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")

    y = sub.add_parser(
        "synth",
        help="round-attribute synthesis: which attributes of the "
        "local state are monotone, non-trivial and closed",
    )
    _model_args(y)
    common(y)
    y.add_argument("--json", action="store_true", help="print one JSON object")
    y.add_argument("--brief", action="store_true", help="the table only, no traces")
    v = sub.add_parser(
        "survey",
        help="synthesis over several protocols: the monotone-attribute survey (Markdown / JSON)",
    )
    v.add_argument("files", nargs="+", help="protocol models (.cc)")
    common(v)
    v.set_defaults(max_checks=6)
    v.add_argument("--markdown", metavar="FILE", default=None)
    v.add_argument("--json", metavar="FILE", default=None)


def _normalize(argv: list[str]) -> list[str]:
    """`ccverify FILE ...` and `ccverify --bound 6 FILE` mean `ccverify check ...`."""
    if not argv or argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"):
        return argv
    return ["check", *argv]


def main(argv: list[str] | None = None) -> int:
    argv = _normalize(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return {
            "check": cmd_check,
            "explain": cmd_check,
            "parse": cmd_parse,
            "simulate": cmd_simulate,
            "synth": cmd_synth,
            "survey": cmd_survey,
        }[args.command](args)
    except ModelError as err:
        if err.source is None and getattr(args, "file", None):
            err.source = _read_quietly(args.file)  # errors found after parsing (encoder)
        print(err.render(), file=sys.stderr)
        return 3
    except UsageError as err:
        print(f"ccverify: error: {err}", file=sys.stderr)
        return 2
    except CCError as err:
        print(f"ccverify: internal error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("ccverify: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception:  # a bug: say so, with the traceback, and exit 6
        print("ccverify: internal error (a bug in ccverify); please report it:", file=sys.stderr)
        traceback.print_exc()
        return 6


def _read_quietly(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def _load_model(args: argparse.Namespace) -> Model:
    """The checked model (IR) of ``args.file`` with the ``--set`` overrides."""
    from dsl.loader import load_model

    return load_model(args.file, _overrides(args.set))


def _load(args: argparse.Namespace) -> tuple[Model, Interpreter]:
    """The model and its interpreter, for the commands that run it directly (``parse``
    checks initial values with it, ``simulate`` walks it)."""
    from verifier.semantics.interp import Interpreter

    model = _load_model(args)
    interp = Interpreter(model)
    interp.initial()  # initial values outside their types: a model error
    return model, interp


def _check_options(args: argparse.Namespace) -> CheckOptions:
    """The check options of ``check``/``explain`` (validated by CheckOptions itself)."""
    from verifier.core.result import CheckOptions, Engine

    return CheckOptions(
        bound=args.bound,
        witness_bound=args.witness_bound,
        engine=Engine(args.engine),
        solver=args.solver,
        timeout=args.timeout,
        smt2_dir=args.smt2,
        one_step=not args.no_one_step,
        strengthen=not args.no_strengthen,
    )


def cmd_check(args: argparse.Namespace) -> int:
    from verifier.core.files import check_output_path

    opts = _check_options(args)
    check_output_path("--diagram", args.diagram, protect=[args.file], suffixes=(".svg", ".png"))
    if args.diagram:
        _require_diagram_extra()
    check_output_path("--itf", args.itf, protect=[args.file])
    if args.smt2:
        _prepare_dump_dir(args.smt2)
    model = _load_model(args)
    progress = None if args.quiet or args.json else _progress
    from verifier.engines.dispatch import run_check

    result = run_check(model, opts, progress)
    _report(args, result)
    return result.verdict.exit_code


def _report(args: argparse.Namespace, result: CheckResult) -> None:
    """Print a check's result (``check``, ``explain``) and write the files asked for."""
    from verifier.core.files import atomic_write
    from verifier.core.result import Verdict
    from verifier.output import explain as ex
    from verifier.output.render import result_json
    from verifier.output.terminal import emit, explain_view, make_console, result_view

    interp = result.context
    console = make_console(sys.stdout, no_color=args.no_color)
    explaining = args.command == "explain"
    trace, sample = result.trace, False
    if trace is None and result.verdict.closed and (explaining or args.diagram or args.itf):
        trace, sample = ex.sample_trace(interp, args.bound, args.seed), True
    if args.json:
        print(json.dumps(result_json(result), indent=2))
    else:
        parts = result_view(result, full=args.full)
        if explaining and trace is not None:
            parts += [""] + explain_view(
                interp,
                trace,
                ex.reorder(interp, trace),
                sample_seed=args.seed if sample else None,
                violations=result.violations,
            )
        emit(console, parts)
    if not (args.diagram or args.itf):
        return
    if trace is None:
        print(f"ccverify: no trace to export (verdict {result.verdict.value})", file=sys.stderr)
        return
    title = f"{interp.model.name}: {result.describe()}"
    if args.diagram:
        from verifier.output.diagram import counterexample_panels, sample_panels, write_diagram

        panels = (
            sample_panels(interp, trace, args.seed)
            if sample
            else counterexample_panels(interp, trace, result.violations)
        )
        write_diagram(args.diagram, interp, panels, title)
        if not args.quiet:
            print(f"ccverify: diagram written to {args.diagram}", file=sys.stderr)
    if args.itf:
        from verifier.output.itf import dump_itf, trace_itf

        what = "a sample trace" if sample else "the counterexample"
        if result.verdict is Verdict.UNKNOWN:
            what = "a trace"
        doc = trace_itf(
            interp,
            trace,
            description=f"{title}: {what}",
            violations=() if sample else result.violations,
            meta={
                "verdict": result.verdict.value,
                "bound": result.bound,
                "witness_bound": result.witness_bound,
                "sample": sample,
            },
        )
        try:
            atomic_write(args.itf, dump_itf(doc))
        except OSError as err:
            raise UsageError(f"--itf: cannot write {args.itf}: {err.strerror}") from None
        if not args.quiet:
            print(f"ccverify: ITF trace written to {args.itf}", file=sys.stderr)


def _require_diagram_extra() -> None:
    """--diagram draws with matplotlib, an optional extra: say how to get it (exit 2)."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise UsageError(
            "--diagram needs matplotlib, which is not installed: pip install "
            "'ccverify[diagram]' (from a checkout of the repository: pip install '.[diagram]')"
        )


def _prepare_dump_dir(path: str) -> None:
    """Create the --smt2 directory and remove the query files of an earlier run."""
    import glob
    import os

    try:
        os.makedirs(path, exist_ok=True)
        for old in glob.glob(os.path.join(path, "query[0-9]*-*.smt2")):
            os.remove(old)
    except OSError as err:
        raise UsageError(f"--smt2 {path}: {err.strerror}") from None


_T0 = time.monotonic()


def _progress(text: str) -> None:
    print(f"[{time.monotonic() - _T0:6.1f}s] {text}", file=sys.stderr, flush=True)


def cmd_parse(args) -> int:
    model, _ = _load(args)
    if args.json:
        from verifier.output.export import ir_json

        print(json.dumps(ir_json(model), indent=2))
        return 0
    from dsl.pretty import expr_str, round_str

    print(f"model {model.name} ({model.file})")
    if model.constants:
        print("constants: " + ", ".join(f"{n} = {v}" for n, v in model.constants))
    for m in model.messages:
        fields = ", ".join(f"{n}: {t}" for n, t in m.fields)
        rnd = f" round {round_str(m.round)}" if m.round else ""
        print(f"message {m.name}({fields}){rnd}")
    for r in model.roles:
        print(f"role {r.name}[{r.count}]  round {round_str(r.round)}")
        if r.observe is not None:
            print(f"  observe {round_str(r.observe)}")
        for v in r.vars:
            print(f"  var {v.name}: {v.ty} = {expr_str(v.init)}")
        for c in r.candidates:
            print(f"  candidate {c.text}")
        for e in r.edges:
            params = ", ".join(f"{n}: {t}" for n, t in e.params)
            if e.kind.value == "on":
                head = (
                    f"on {e.msg}({', '.join(e.bindings)}) from {e.sender or '_'}: "
                    f"{e.sender_role} as {e.name}"
                )
            else:
                head = f"action {e.name}"
            print(
                f"  {head}" + (f" with ({params})" if params else "") + f" when {expr_str(e.guard)}"
            )
    return 0


def cmd_simulate(args) -> int:
    from verifier.output.render import format_step
    from verifier.semantics.conditions import step_violations

    if args.steps < 0:
        raise UsageError("--steps must be non-negative")
    model, interp = _load(args)
    steps = interp.random_walk(random.Random(args.seed), args.steps)
    print(f"{model.name}: random trace, seed {args.seed}")
    for i, step in enumerate(steps):
        print("\n".join(format_step(interp, i, step, step_violations(interp, i, step), args.full)))
    if len(steps) < args.steps:
        print(f"  (no enabled event after {len(steps)} steps: the run is stuck or finished)")
    return 0


def _synth_options(args):
    from verifier.core.result import Engine
    from verifier.synth.pipeline import SynthOptions

    return SynthOptions.of(
        bound=args.bound,
        witness_bound=args.witness_bound,
        engine=Engine(args.engine),
        attr_engine=Engine(args.attr_engine),
        solver=args.solver,
        jobs=args.jobs,
        timeout=args.timeout,
        max_combos=args.max_combos,
        max_checks=args.max_checks,
        focus=args.attribute,
    )


def cmd_synth(args) -> int:
    from verifier.output.synth_report import format_report, report_json
    from verifier.synth.pipeline import synthesize

    opts = _synth_options(args)
    model, _ = _load(args)
    progress = None if args.quiet or args.json else _progress
    report = synthesize(model, opts, progress)
    if args.json:
        print(json.dumps(report_json(report), indent=2))
    else:
        print(format_report(report, details=not args.brief))
    return 0


def cmd_survey(args) -> int:
    from verifier.output.survey_report import survey_json, survey_markdown
    from verifier.synth.survey import run_survey

    opts = _synth_options(args)
    survey = run_survey(args.files, opts, args.attribute, None if args.quiet else _progress)
    text = survey_markdown(survey)
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write(text)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(survey_json(survey), out, indent=2)
    print(text, end="")
    return 0 if all(e.report is not None for e in survey.entries) else 3


if __name__ == "__main__":
    sys.exit(main())
