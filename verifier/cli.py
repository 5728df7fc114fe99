"""The ``ccverify`` command line.  The only place that prints and chooses exit codes.

Exit codes (docs/semantics.md §8): 0 closed, 10 not closed, 5 unknown, 3 model error,
2 usage error, 6 internal error, 130/143/129 interrupted (SIGINT, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import random
import sys
import time
import traceback
from typing import TYPE_CHECKING, NoReturn

from dsl.errors import CCError, ModelError, UsageError
from verifier.core.budget import BudgetExhausted
from verifier.core.versions import ccverify_version
from verifier.output.jsonout import dumps, envelope, error_json

if TYPE_CHECKING:
    from dsl.ir import Model
    from verifier.core.result import CheckOptions, CheckResult
    from verifier.semantics.interp import Interpreter

COMMANDS = ("check", "explain", "parse", "simulate", "synth", "survey", "test")


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


class _ParseError(UsageError):
    """A command-line error found by argparse, with the parser whose usage applies."""

    def __init__(self, parser: argparse.ArgumentParser, message: str):
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """argparse, raising instead of exiting, so that ``--json`` can report the error."""

    def error(self, message: str) -> NoReturn:  # raises, so --json can report it
        raise _ParseError(self, message)


def _model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the protocol model (.cc)")
    p.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        default=[],
        help="override a constant of the model (repeatable)",
    )
    _memory_arg(p)


def _memory_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--memory",
        type=int,
        default=None,
        metavar="MIB",
        help="stop with verdict unknown past this much memory (MiB; default 8192 or 3/4 "
        "of the machine's memory, whichever is less; 0: no limit)",
    )


def _round_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--round",
        metavar="EXPR",
        default=None,
        help="use EXPR as the round instead of the declared one (per role: "
        "'Server=commitIndex', 'Proposer=bal;Acceptor=bal'; a tuple is '(a, b)'); "
        "declared message rounds are then ignored (tags are the ghost values)",
    )
    p.add_argument(
        "--observe",
        metavar="EXPR",
        default=None,
        help="what the projections observe instead of the declared observation "
        "(same syntax as --round)",
    )


def build_parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="ccverify",
        description="Decide whether a distributed protocol is communication-closed. "
        "`ccverify FILE --bound K` is short for `ccverify check FILE --bound K`.",
        epilog="exit codes: 0 closed, 10 not closed, 5 unknown, 3 model error, "
        "2 usage error, 6 internal error, 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP",
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
            choices=["auto", "smt", "explicit"],
            default="auto",
            help="auto: the engine the benchmarks show faster, named in the output "
            "(default); smt: z3/cvc5 through pysmt, with the unbounded one-step proof; "
            "explicit: exhaustive search, the reference",
        )
        _round_args(c)
        c.add_argument(
            "--no-symmetry",
            action="store_true",
            help="explicit engine: do not merge search nodes that differ by a "
            "permutation of a symmetric role's processes",
        )
        c.add_argument(
            "--solver",
            choices=["z3", "cvc5"],
            default=None,
            help="SMT solver of the smt engine (default z3; cvc5 needs the cvc5 package: "
            "python -m pip install cvc5, with the python that runs ccverify)",
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
        c.add_argument(
            "--format",
            choices=["text", "json", "sarif"],
            default=None,
            help="what to print: text (default), json (the same as --json), or sarif "
            "(SARIF 2.1.0 for CI: one result per counterexample at the offending edge)",
        )
        c.add_argument(
            "--coverage",
            action="store_true",
            help="print how often each edge fired within the bound (always in --json)",
        )
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
            "an ITF trace (Apalache's JSON trace format; FILE.itf.json by convention, "
            "- for standard output)",
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
    _test_parser(sub)
    return top


def _test_parser(sub) -> None:
    t = sub.add_parser(
        "test",
        help="check every model against the '# expect:' lines of its header (docs/dsl.md)",
    )
    t.add_argument("paths", nargs="+", metavar="DIR|FILE", help="models, or directories of them")
    t.add_argument("--junit", metavar="FILE", default=None, help="write a JUnit XML report")
    t.add_argument("--json", action="store_true", help="print one JSON object, not the table")
    t.add_argument("--slow", action="store_true", help="also run the expectations marked slow")
    t.add_argument("--engine", choices=["smt", "explicit"], default="smt")
    t.add_argument("--solver", choices=["z3", "cvc5"], default="z3")
    t.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per expectation (past it the verdict is unknown, which fails)",
    )
    t.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def _synth_parsers(sub) -> None:
    """`synth` and `survey` (round-attribute synthesis, docs/findings.md)."""

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--bound",
            "-k",
            type=int,
            default=6,
            help="events per trace of the attribute facts, and the least bound of every "
            "closure check (default 6)",
        )
        p.add_argument(
            "--max-bound",
            type=int,
            default=None,
            help="the deepest bound a candidate is checked at: each is checked at "
            "max(--bound, min(B + 2, --max-bound)), B its first crossing bound; a "
            "candidate whose B is beyond it is 'not reached' (default 12, or --bound)",
        )
        p.add_argument("--witness-bound", type=int, default=None)
        p.add_argument(
            "--jobs", "-j", type=int, default=1, help="closure checks run in this many processes"
        )
        p.add_argument(
            "--scheduler",
            metavar="ADDRESS|local:N",
            default=None,
            help="run the closure checks on a Dask cluster: a scheduler address "
            "(tcp://host:8786) or local:N for a local cluster of N workers "
            '(needs pip install "ccverify[dask]"; the report is the same as with --jobs)',
        )
        p.add_argument(
            "--engine",
            choices=["auto", "smt", "explicit"],
            default="auto",
            help="engine of the closure checks (default auto, as for check: the unbounded "
            "proofs, then the explicit bounded search)",
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
            "--attribute, listed candidates, granularity); default: every candidate",
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
    _round_args(y)
    y.add_argument("--json", action="store_true", help="print one JSON object")
    y.add_argument("--brief", action="store_true", help="the table only, no traces")
    v = sub.add_parser(
        "survey",
        help="synthesis over several protocols: the monotone-attribute survey (Markdown / JSON)",
    )
    v.add_argument("files", nargs="+", help="protocol models (.cc)")
    v.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        default=[],
        help="override a constant in every model (repeatable; a model without that "
        "constant is reported as an error)",
    )
    common(v)
    v.add_argument("--json", action="store_true", help="print one JSON object, not Markdown")
    v.add_argument(
        "--output",
        metavar="FILE",
        default=None,
        help="write the report (JSON with --json, else Markdown) to FILE, not stdout",
    )
    v.add_argument(
        "--markdown", metavar="FILE", default=None, help="also write the Markdown report to FILE"
    )
    _memory_arg(v)


def _normalize(argv: list[str]) -> list[str]:
    """`ccverify FILE ...` and `ccverify --bound 6 FILE` mean `ccverify check ...`; a
    first word that is neither a command nor a model file is an unknown command."""
    if not argv or argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"):
        return argv
    _unknown_command(argv[0])
    return ["check", *argv]


def _unknown_command(word: str) -> None:
    """Raise UsageError when ``word`` cannot be a model file given without ``check``."""
    import difflib
    import os

    if word.startswith("-") or os.path.exists(word) or word.endswith(".cc") or os.sep in word:
        return
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UsageError(
        f"unknown command '{word}'{hint} (commands: {', '.join(COMMANDS)}; "
        f"or give a model file: ccverify FILE.cc)"
    )


def main(argv: list[str] | None = None) -> int:
    """The ``ccverify`` command (NOTE(run-control): signals, time and memory limits)."""
    from verifier.core import control

    if argv is not None:  # a test or a library caller: Python's own signal handling
        return _main(argv)
    control.install()
    code = _main(list(sys.argv[1:]))
    # End without tearing down the interpreter: freeing a large encoding takes seconds
    # that a time limit does not allow, and nothing is left to clean up.
    control.stop_handling()
    control.die("", code)
    return code  # not reached


def _main(argv: list[str]) -> int:
    from verifier.core import control

    try:
        argv = _normalize(argv)
    except UsageError as err:
        if "--json" in argv:
            _print_json(error_json(None, err, 2))
        else:
            print(f"ccverify: error: {err}", file=sys.stderr)
        return 2
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _ParseError as err:
        if "--json" in argv:
            _print_json(error_json(argv[0] if argv else None, err, 2))
        else:
            err.parser.print_usage(sys.stderr)
            print(f"{err.parser.prog}: error: {err}", file=sys.stderr)
        return 2
    if args.command is None:
        parser.print_help()
        return 2
    try:
        _limits(args)
        return _run(args)
    except KeyboardInterrupt as err:  # a signal (NOTE(run-control)): one line, no traceback
        code = control.exit_code_of(err)
        message = f"ccverify: interrupted ({control.signal_name(code)})"
        if control.installed():
            control.die(message, code)
        print(message, file=sys.stderr)
        return code
    except BudgetExhausted as err:  # the time backstop of NOTE(run-control)
        return _stopped(args, f"verdict unknown: {err.reason}")
    except MemoryError:
        return _stopped(
            args,
            f"verdict unknown: memory limit of {getattr(args, 'memory_mib', 0)} MiB reached "
            f"while {control.current_phase()} (raise it with --memory)",
        )
    except SystemError as err:
        # CPython reports some allocations failing under the address-space cap this way
        if getattr(args, "memory_mib", 0) and control.installed():
            return _stopped(args, "verdict unknown: out of memory (raise it with --memory)")
        return _report_error(args, err, 6)
    except BaseException as err:  # reported as JSON under --json, else as text
        exit_code = _exit_code(err)
        if exit_code is None:
            raise
        code = exit_code
        if isinstance(err, BrokenPipeError):
            return 0
        if getattr(args, "json", False) is True:
            if isinstance(err, ModelError) and err.source is None:
                err.source = _read_quietly(getattr(args, "file", "") or "")
            _print_json(error_json(args.command, err, code))
            if code == 6 and not isinstance(err, CCError):
                traceback.print_exc()
            return code
        return _report_error(args, err, code)


def _print_json(doc: dict) -> None:
    print(dumps(doc))


def _exit_code(err: BaseException) -> int | None:
    """The exit code for ``err``, or None for what must propagate (SystemExit)."""
    if isinstance(err, ModelError):
        return 3
    if isinstance(err, UsageError):
        return 2
    if isinstance(err, CCError):
        return err.exit_code
    if isinstance(err, KeyboardInterrupt):
        return 130
    if isinstance(err, BrokenPipeError):
        return 0
    if isinstance(err, Exception):
        return 6
    return None


def _run(args) -> int:
    try:
        return _dispatch(args)
    finally:
        while _OPEN:
            _OPEN.pop().close()


def _dispatch(args) -> int:
    return {
        "check": cmd_check,
        "explain": cmd_check,
        "parse": cmd_parse,
        "simulate": cmd_simulate,
        "synth": cmd_synth,
        "survey": cmd_survey,
        "test": cmd_test,
    }[args.command](args)


def _report_error(args, err: BaseException, code: int) -> int:
    """An error as text on stderr; returns its exit code."""
    if isinstance(err, ModelError):
        if err.source is None and getattr(args, "file", None):
            err.source = _read_quietly(args.file)  # errors found after parsing (encoder)
        print(err.render(), file=sys.stderr)
    elif isinstance(err, UsageError):
        print(f"ccverify: error: {err}", file=sys.stderr)
    elif isinstance(err, CCError):
        print(f"ccverify: internal error: {err}", file=sys.stderr)
    elif isinstance(err, KeyboardInterrupt):
        print("ccverify: interrupted", file=sys.stderr)
    elif isinstance(err, BrokenPipeError):
        pass
    else:  # a bug: say so, with the traceback, and exit 6
        print("ccverify: internal error (a bug in ccverify); please report it:", file=sys.stderr)
        traceback.print_exception(err)
    return code


def _limits(args: argparse.Namespace) -> None:
    """Validate --timeout and --memory, apply the memory limit, start the run's budget and
    arm the time-limit backstop (check and explain: the limit covers the whole run)."""
    from verifier.core import control
    from verifier.core.budget import Budget, validate_timeout

    args.memory_mib = control.validate_memory(getattr(args, "memory", None))
    if control.installed():
        control.limit_memory(args.memory_mib)
    timeout = validate_timeout(getattr(args, "timeout", None))
    # the real command counts from its start-up; a test calling main() from now
    start = (control.process_start() or _T0) if control.installed() else None
    args.budget = Budget(timeout, start=start)
    if args.command in ("check", "explain"):
        control.arm_deadline(args.budget.remaining())


def _stopped(args: argparse.Namespace, message: str) -> int:
    """A run that ran out of time or memory: verdict unknown, exit 5, where it stopped
    (on standard output like any verdict for check and explain, else on stderr)."""
    import os

    from verifier.core import control

    control.disarm()
    reason = message.removeprefix("verdict unknown: ")
    if getattr(args, "json", None) is True:
        body = {"file": getattr(args, "file", None), "verdict": "unknown", "reason": reason}
        _print_json(envelope(args.command, body))
    elif args.command in ("check", "explain"):
        name = os.path.splitext(os.path.basename(args.file))[0]
        print(f"{name}: unknown\n{reason}")
    else:
        print(f"ccverify: {message}", file=sys.stderr)
    return 5


_T0 = time.monotonic()


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
        solver=args.solver or "z3",
        timeout=args.timeout,
        smt2_dir=args.smt2,
        one_step=not args.no_one_step,
        strengthen=not args.no_strengthen,
        symmetry=not args.no_symmetry,
    )


def cmd_check(args: argparse.Namespace) -> int:
    from verifier.core.files import STDOUT, check_output_path

    if args.format == "json":
        args.json = True
    elif args.format is not None and args.json:
        raise UsageError(f"--json and --format {args.format} ask for two different outputs")
    opts = _check_options(args)
    check_output_path("--diagram", args.diagram, protect=[args.file], suffixes=(".svg", ".png"))
    if args.diagram:
        _require_diagram_extra()
    check_output_path("--itf", args.itf, protect=[args.file], allow_stdout=True)
    if args.itf == STDOUT and (args.json or args.format == "sarif"):
        raise UsageError(
            f"--itf - and --{'json' if args.json else 'format sarif'} both write to "
            "standard output; give --itf a file"
        )
    _inapplicable_check_options(args)
    if args.smt2 is not None:
        _prepare_dump_dir(args.smt2)
    from verifier.core import control

    with control.phase("loading the model"):
        model = _load_model(args)
        model, rounds, observe, notes = _round_options(args, model)
    left = args.budget.remaining()
    if left is not None and left <= 0:
        raise BudgetExhausted("time limit reached while loading the model")
    opts = dataclasses.replace(
        opts,
        rounds=rounds.exprs if rounds else None,
        observe=observe.exprs if observe else None,
        timeout=left,  # the limit covers the loading too
    )
    progress = _progress_for(args, args.json or args.format == "sarif")
    from verifier.engines.dispatch import run_check

    control.set_phase("checking")
    result = run_check(model, opts, progress)
    from verifier.engines.vacuity import attach_crossing

    # B gets what is left of --timeout (at least a second: an exhausted search is a lower
    # bound, never an error).  The backstop bounds it too; if it fires there, the verdict
    # stands without B.
    control.set_phase("searching the first crossing bound")
    left = args.budget.remaining()
    left = None if left is None else max(1.0, left)
    control.arm_deadline(left)
    with contextlib.suppress(BudgetExhausted):
        attach_crossing(model, opts, result, timeout=left, interp=result.interp, progress=progress)
    control.disarm()
    if progress is not None:
        progress.close()  # the live line goes before the report is printed
    extra = {
        "round": rounds.texts if rounds else None,
        "observe": observe.texts if observe else None,
        "message_rounds_ignored": rounds is not None,
    }
    control.set_phase("measuring edge coverage")
    from verifier.semantics.coverage import MAX_SECONDS, edge_coverage

    left = args.budget.remaining()
    seconds = min(MAX_SECONDS, left if left is not None else MAX_SECONDS)
    coverage = edge_coverage(result.context, args.bound, seconds=seconds)
    control.disarm()
    control.set_phase("reporting the verdict")
    return _report(args, result, coverage, notes, extra)


def _round_options(args: argparse.Namespace, model: Model):
    """``--round`` and ``--observe``: the model to check (without declared message rounds
    under ``--round``), the checked expressions per role, and lines saying what is used."""
    from dsl.options import check_role_exprs, strip_message_rounds

    overrides = _overrides(args.set)
    rounds = observe = None
    notes: list[str] = []
    if args.round is not None:
        rounds = check_role_exprs(model, "--round", args.round, overrides)
        model = strip_message_rounds(model)
        notes.append(
            "round: "
            + "; ".join(f"{r} = {t}" for r, t in rounds.texts.items())
            + " (--round; declared message rounds ignored: tags are the senders' rounds)"
        )
    if args.observe is not None:
        observe = check_role_exprs(model, "--observe", args.observe, overrides)
        notes.append(
            "observe: " + "; ".join(f"{r} = {t}" for r, t in observe.texts.items()) + " (--observe)"
        )
    return model, rounds, observe, notes


def _inapplicable_check_options(args) -> None:
    """Options that do nothing with the chosen engine: an error when the user asked for
    output that would never be written, else a warning (never silently ignored)."""
    if args.engine == "explicit":
        if args.smt2 is not None:
            raise UsageError(
                "--smt2 writes the SMT engine's queries; --engine explicit makes none "
                "(drop --smt2, or use --engine smt)"
            )
        if args.solver is not None:
            _warn(f"--solver {args.solver} has no effect with --engine explicit")
    if (args.json or args.format == "sarif") and args.full:
        _warn("--full has no effect with --json or --format sarif")
    if args.seed != 0 and not (args.diagram or args.itf or args.command == "explain"):
        _warn("--seed only chooses the sample trace of explain, --diagram and --itf")


def _warn(text: str) -> None:
    print(f"ccverify: warning: {text}", file=sys.stderr)


def _coverage_text(args, cov) -> None:
    """Edge coverage behind --coverage, and the warnings about dead edges (always)."""
    if cov is None:
        return
    import shutil
    import textwrap

    from verifier.output.coverage import coverage_lines, coverage_warnings

    width = shutil.get_terminal_size().columns  # COLUMNS, as the rest of the report
    if args.coverage:
        print("\n".join(coverage_lines(cov)))
    for line in coverage_warnings(cov):
        print(textwrap.fill(f"warning: {line}", width, subsequent_indent="  "))


def _report(
    args: argparse.Namespace,
    result: CheckResult,
    coverage=None,
    notes: list[str] | tuple = (),
    extra=None,
) -> int:
    """Print a check's result (``check``, ``explain``) and write the files asked for;
    ``notes`` are lines printed first, ``extra`` keys added to the JSON object.  The exit
    code is the verdict's, also when a file cannot be written (docs/output.md)."""
    from verifier.core.files import STDOUT, atomic_write, write_failure
    from verifier.core.result import Verdict
    from verifier.output import explain as ex
    from verifier.output.render import result_json
    from verifier.output.terminal import emit, explain_view, make_console, result_view

    interp = result.context
    # With --itf -, standard output carries the trace alone; the report goes to stderr.
    console = make_console(sys.stderr if args.itf == STDOUT else sys.stdout, no_color=args.no_color)
    explaining = args.command == "explain"
    trace, sample = result.trace, False
    if trace is None and result.verdict.closed and (explaining or args.diagram or args.itf):
        trace, sample = ex.sample_trace(interp, args.bound, args.seed), True
    code = result.verdict.exit_code
    if args.json:
        body = result_json(result)
        body.update(extra or {})
        if coverage is not None:
            from verifier.output.coverage import coverage_json

            body["coverage"] = coverage_json(coverage)
        if explaining and trace is not None:
            body["reordering"] = ex.reordering_json(interp, trace, sample=sample, seed=args.seed)
        _print_json(envelope(args.command, body))
    elif args.format == "sarif":
        from verifier.output.sarif import sarif_log

        print(json.dumps(sarif_log(interp, result, version=ccverify_version()), indent=2))
    else:
        parts = [*notes, *result_view(result, full=args.full)]
        if explaining and trace is not None:
            parts += [""] + explain_view(
                interp,
                trace,
                ex.reorder(interp, trace),
                sample_seed=args.seed if sample else None,
                violations=result.violations,
            )
        emit(console, parts)
        _coverage_text(args, coverage)
    sys.stdout.flush()
    if not (args.diagram or args.itf):
        return code
    if trace is None:
        print(f"ccverify: no trace to export (verdict {result.verdict.value})", file=sys.stderr)
        return code
    title = f"{interp.model.name}: {result.describe()}"
    if args.diagram:
        from verifier.output.diagram import counterexample_panels, sample_panels, write_diagram

        panels = (
            sample_panels(interp, trace, args.seed)
            if sample
            else counterexample_panels(interp, trace, result.violations)
        )
        try:
            write_diagram(args.diagram, interp, panels, title)
            if not args.quiet:
                print(f"ccverify: diagram written to {args.diagram}", file=sys.stderr)
        except OSError as err:
            print(write_failure("--diagram", args.diagram, err), file=sys.stderr)
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
            if not args.quiet and args.itf != STDOUT:
                print(f"ccverify: ITF trace written to {args.itf}", file=sys.stderr)
        except OSError as err:
            print(write_failure("--itf", args.itf, err), file=sys.stderr)
    return code


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

    if path == "":
        raise UsageError("--smt2: the directory name is empty")
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"--smt2 {path}: not a directory")
    try:
        os.makedirs(path, exist_ok=True)
        for old in glob.glob(os.path.join(path, "query[0-9]*-*.smt2")):
            os.remove(old)
    except OSError as err:
        raise UsageError(f"--smt2 {path}: {err.strerror}") from None
    if not os.access(path, os.W_OK):
        raise UsageError(f"--smt2 {path}: cannot write there (permission denied)")


_OPEN: list = []  # progress displays to close when the command ends


def _progress_for(args, silent: bool = False):
    """The progress display on stderr (verifier/output/progress.py), or None with
    ``--quiet`` or when ``silent`` (a machine-readable output is on stdout)."""
    if args.quiet or silent:
        return None
    from verifier.output.progress import Progress

    progress = Progress(sys.stderr)
    _OPEN.append(progress)
    return progress


def cmd_parse(args) -> int:
    model, _ = _load(args)
    if args.json:
        from verifier.output.export import ir_json

        _print_json(envelope("parse", {"file": model.file, "ir": ir_json(model)}))
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
        max_bound=args.max_bound,
    )


def _executor(args):
    """The Dask executor of ``--scheduler`` (a context manager), or a null context."""
    import contextlib

    if args.scheduler is None:
        return contextlib.nullcontext(None)
    if args.jobs != 1:
        raise UsageError("--scheduler and --jobs both choose where the checks run; give one")
    from verifier.synth.scale import dask_executor, parse_scheduler

    parse_scheduler(args.scheduler)  # a usage error before any work
    return dask_executor(args.scheduler)


def cmd_synth(args) -> int:
    from verifier.output.synth_report import format_report, report_json
    from verifier.synth.attrs import unknown_attribute
    from verifier.synth.pipeline import synthesize

    opts = _synth_options(args)
    model, _ = _load(args)
    model, opts = _synth_rounds(args, model, opts)
    if args.attribute is not None:
        problem = unknown_attribute(model, args.attribute)
        if problem:
            raise UsageError(f"--attribute {args.attribute}: {problem}")
    progress = _progress_for(args, args.json)
    with _executor(args) as executor:
        report = synthesize(model, opts, progress, executor)
    if progress is not None:
        progress.close()
    if args.json:
        _print_json(envelope("synth", report_json(report)))
    else:
        print(format_report(report, details=not args.brief))
    return 0


def _synth_rounds(args, model, opts):
    """``synth --round``: the expression becomes a listed candidate of its role, checked
    first; ``synth --observe``: the observation replaces the declared one."""
    import dataclasses

    from dsl import ir
    from dsl.options import check_role_exprs, with_observe

    overrides = _overrides(args.set)
    if args.observe is not None:
        model = with_observe(
            model, check_role_exprs(model, "--observe", args.observe, overrides).exprs
        )
    if args.round is not None:
        rounds = check_role_exprs(model, "--round", args.round, overrides)
        model = dataclasses.replace(
            model,
            roles=tuple(
                dataclasses.replace(
                    r,
                    candidates=(ir.Candidate(rounds.texts[r.name], rounds.exprs[r.name]),)
                    + r.candidates,
                )
                if r.name in rounds.exprs
                else r
                for r in model.roles
            ),
        )
        if opts.focus is None:
            opts = dataclasses.replace(opts, focus=next(iter(rounds.texts.values())))
    return model, opts


def cmd_survey(args) -> int:
    from verifier.core.files import STDOUT, atomic_write, check_output_path, write_failure
    from verifier.output.survey_report import survey_json, survey_markdown
    from verifier.synth.survey import run_survey

    opts = _synth_options(args)
    for flag in ("--output", "--markdown"):
        check_output_path(flag, getattr(args, flag[2:]), protect=args.files, allow_stdout=True)
    if args.output is not None and args.output == args.markdown and args.output != STDOUT:
        raise UsageError(f"--output and --markdown name the same file {args.output}")
    overrides = _overrides(args.set)
    if args.attribute is not None:
        _survey_attribute(args.files, args.attribute, overrides)
    progress = _progress_for(args)
    with _executor(args) as executor:
        survey = run_survey(
            args.files,
            opts,
            args.attribute,
            progress,
            overrides=overrides,
            executor=executor,
            runner=f"Dask scheduler {args.scheduler}" if args.scheduler else "",
        )
    if progress is not None:
        progress.close()
    text = survey_markdown(survey)
    code = 0 if all(e.report is not None for e in survey.entries) else 3
    report = dumps(envelope("survey", survey_json(survey))) + "\n" if args.json else text
    # the report first, then the extra file; a file that fails is one error line and the
    # exit code stays the survey's (docs/output.md, "Output files")
    for flag, path, data in (
        ("--output", args.output or STDOUT, report),
        ("--markdown", args.markdown, text),
    ):
        if path is None:
            continue
        try:
            atomic_write(path, data)
        except OSError as err:
            print(write_failure(flag, path, err), file=sys.stderr)
    return code


def _survey_attribute(files: list[str], attribute: str, overrides: dict[str, int]) -> None:
    """An --attribute that no surveyed model has is an error (listing what they have)."""
    from dsl.loader import load_model
    from verifier.synth.attrs import unknown_attribute

    problems = []
    for f in files:
        try:
            model = load_model(f, overrides)
        except CCError:
            return  # the survey reports the model's error itself
        problem = unknown_attribute(model, attribute)
        if not problem:
            return
        problems.append(f"{f}: {problem}")
    raise UsageError(f"--attribute {attribute}: no surveyed model has it; " + "; ".join(problems))


def cmd_test(args) -> int:
    """``ccverify test``: exit 0 when every expectation is met, 1 when one is not."""
    import os

    from verifier.core.files import atomic_write, check_output_path
    from verifier.core.result import CheckOptions, Engine
    from verifier.engines.expect import (
        CaseResult,
        Expectation,
        ExpectationError,
        model_files,
        parse_expectations,
        run_expectation,
    )
    from verifier.output.testreport import cases_json, github_annotations, junit_xml, table

    files = model_files(args.paths)
    check_output_path("--junit", args.junit, protect=[str(f) for f in files])
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be positive")

    def opts_for(exp: Expectation) -> CheckOptions:
        return CheckOptions(
            bound=exp.bound, engine=Engine(args.engine), solver=args.solver, timeout=args.timeout
        )

    cases: list[CaseResult] = []
    progress = _progress_for(args, args.json)
    for path in files:
        try:
            exps = parse_expectations(path)
        except ExpectationError as err:
            cases.append(
                CaseResult(Expectation(path, "?", 0, None, (), False), False, message=str(err))
            )
            continue
        if not exps:
            none = Expectation(path, "?", 0, None, (), False, 0, "(none)")
            cases.append(CaseResult(none, False, message="the header has no '# expect:' line"))
        for exp in exps:
            if exp.slow and not args.slow:
                cases.append(CaseResult(exp, True, skipped=True, message="slow (--slow runs it)"))
                continue
            case = run_expectation(exp, opts_for)
            cases.append(case)
            if progress is not None:
                state = "pass" if case.passed else "FAIL"
                progress(f"{state} {exp.model}:{exp.line} ({case.message}, {case.seconds:.1f} s)")
    if progress is not None:
        progress.close()
    if args.junit:
        atomic_write(args.junit, junit_xml(cases))
    if args.json:
        _print_json(envelope("test", cases_json(cases)))
    else:
        print(table(cases), end="")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print(github_annotations(cases), end="")
    return 0 if all(c.passed or c.skipped for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
