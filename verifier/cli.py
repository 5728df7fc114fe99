"""The ``ccverify`` command line.  The only place that prints and chooses exit codes.

Exit codes (DESIGN.md §5): 0 closed, 10 not closed, 5 unknown, 3 model error,
2 usage error, 6 internal error, 130/143/129 interrupted (SIGINT, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback

from dsl.errors import CCError, ModelError, UsageError
from verifier.core.budget import BudgetExhausted

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


def build_parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="ccverify",
        description="Decide whether a distributed protocol is communication-closed. "
        "`ccverify FILE --bound K` is short for `ccverify check FILE --bound K`.",
        epilog="exit codes: 0 closed, 10 not closed, 5 unknown, 3 model error, "
        "2 usage error, 6 internal error, 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP",
    )
    top.add_argument("--version", action="version", version=f"ccverify {_version()}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="bounded communication-closure check (the default)")
    e = sub.add_parser(
        "explain", help="check, then show a trace and its round-grouped reordering side by side"
    )
    for c in (c, e):
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
            default=None,
            help="SMT solver of the smt engine (default z3; cvc5 needs pip install ccverify[cvc5])",
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
        c.add_argument("--json", action="store_true", help="print one JSON object")
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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ccverify")
    except PackageNotFoundError:
        return "(source tree)"


def main(argv: list[str] | None = None) -> int:
    """The ``ccverify`` command (NOTE(run-control): signals, time and memory limits)."""
    from verifier.core import control

    if argv is None:  # the real command, not a test calling main() in its own process
        control.install()
    try:
        argv = _normalize(list(sys.argv[1:] if argv is None else argv))
    except UsageError as err:
        print(f"ccverify: error: {err}", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        _limits(args)
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
    except KeyboardInterrupt as err:
        code = control.exit_code_of(err)
        message = f"ccverify: interrupted ({control.signal_name(code)})"
        if control.installed():
            control.die(message, code)
        print(message, file=sys.stderr)
        return code
    except BudgetExhausted as err:  # the backstop of NOTE(run-control)
        return _stopped(args, f"verdict unknown: {err.reason}")
    except MemoryError:
        limit = getattr(args, "memory_mib", 0)
        return _stopped(
            args,
            f"verdict unknown: memory limit of {limit} MiB reached while "
            f"{control.current_phase()} (raise it with --memory)",
        )
    except BrokenPipeError:
        return 0
    except SystemError:
        # CPython reports some allocations failing under the address-space cap this way
        if getattr(args, "memory_mib", 0) and control.installed():
            return _stopped(args, "verdict unknown: out of memory (raise it with --memory)")
        print("ccverify: internal error (a bug in ccverify); please report it:", file=sys.stderr)
        traceback.print_exc()
        return 6
    except Exception:  # a bug: say so, with the traceback, and exit 6
        print("ccverify: internal error (a bug in ccverify); please report it:", file=sys.stderr)
        traceback.print_exc()
        return 6


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
    args.budget = Budget(timeout, start=_T0 if control.installed() else None)
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
        doc = {"model": getattr(args, "file", None), "verdict": "unknown", "reason": reason}
        print(json.dumps(doc, indent=2))
    elif args.command in ("check", "explain"):
        name = os.path.splitext(os.path.basename(args.file))[0]
        print(f"{name}: unknown\n{reason}")
    else:
        print(f"ccverify: {message}", file=sys.stderr)
    return 5


def _read_quietly(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def _load(args):
    from dsl.loader import load_model
    from verifier.semantics.interp import Interpreter

    model = load_model(args.file, _overrides(args.set))
    Interpreter(model).initial()  # initial values outside their types: a model error
    return model


def cmd_check(args) -> int:
    from verifier.core import control
    from verifier.core.result import CheckOptions, Engine
    from verifier.output.files import check_output_path

    _check_limits(args)
    _inapplicable_check_options(args)
    check_output_path("--diagram", args.diagram, protect=[args.file], suffixes=(".svg", ".png"))
    check_output_path("--itf", args.itf, protect=[args.file])
    if args.smt2 is not None:
        _prepare_dump_dir(args.smt2)
    with control.phase("loading the model"):
        model = _load(args)
    left = args.budget.remaining()
    if left is not None and left <= 0:
        raise BudgetExhausted("time limit reached while loading the model")
    opts = CheckOptions(
        bound=args.bound,
        witness_bound=args.witness_bound,
        engine=Engine(args.engine),
        solver=args.solver or "z3",
        timeout=left,
        smt2_dir=args.smt2,
        one_step=not args.no_one_step,
    )
    progress = None if args.quiet or args.json else _progress
    from verifier.engines.dispatch import run_check

    control.set_phase("checking")
    result = run_check(model, opts, progress)
    control.set_phase("measuring edge coverage")
    from verifier.semantics.coverage import MAX_SECONDS, edge_coverage
    from verifier.semantics.interp import Interpreter

    interp = Interpreter(model, opts.rounds)
    left = args.budget.remaining()
    coverage = edge_coverage(interp, args.bound, seconds=min(MAX_SECONDS, left or MAX_SECONDS))
    control.disarm()
    control.set_phase("reporting the verdict")
    return _report(args, interp, result, coverage)


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
    if args.json and args.full:
        _warn("--full has no effect with --json (the JSON has every variable)")
    if args.seed != 0 and not (args.diagram or args.itf or args.command == "explain"):
        _warn("--seed only chooses the sample trace of explain, --diagram and --itf")


def _warn(text: str) -> None:
    print(f"ccverify: warning: {text}", file=sys.stderr)


def _report(args, interp, result, coverage=None) -> int:
    """Print a check's result (``check``, ``explain``) and write the files asked for; the
    exit code is the verdict's, also when a file cannot be written (docs/output.md)."""
    from verifier.core.result import Verdict
    from verifier.output import explain as ex
    from verifier.output.files import atomic_write, write_failure
    from verifier.output.render import result_json
    from verifier.output.terminal import emit, explain_view, make_console, result_view, verdict_text

    code = result.verdict.exit_code
    console = make_console(sys.stdout, no_color=args.no_color)
    explaining = args.command == "explain"
    trace, sample = result.trace, False
    if trace is None and result.verdict.closed and (explaining or args.diagram or args.itf):
        trace, sample = ex.sample_trace(interp, args.bound, args.seed), True
    if args.json:
        from verifier.output.coverage import coverage_json

        doc = result_json(interp, result)
        if coverage is not None:
            doc["coverage"] = coverage_json(coverage)
        print(json.dumps(doc, indent=2))
    else:
        parts = result_view(interp, result, full=args.full)
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
    if (args.diagram or args.itf) and trace is None:
        print(f"ccverify: no trace to export (verdict {result.verdict.value})", file=sys.stderr)
        return code
    title = f"{interp.model.name}: {verdict_text(result)}"
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
            if not args.quiet:
                print(f"ccverify: ITF trace written to {args.itf}", file=sys.stderr)
        except OSError as err:
            print(write_failure("--itf", args.itf, err), file=sys.stderr)
    return code


def _coverage_text(args, cov) -> None:
    """Edge coverage behind --coverage, and the warnings about dead edges (always)."""
    if cov is None:
        return
    from verifier.output.coverage import coverage_lines, coverage_warnings

    if args.coverage:
        print("\n".join(coverage_lines(cov)))
    for line in coverage_warnings(cov):
        print(f"warning: {line}")


def _check_limits(args) -> None:
    """--bound, --witness-bound and --timeout, shared by check, explain, synth, survey."""
    if args.bound < 1:
        raise UsageError(f"--bound must be at least 1, got {args.bound}")
    if args.witness_bound is not None and args.witness_bound < args.bound:
        raise UsageError(
            "--witness-bound must be at least --bound (the reordering lemma "
            "needs room for a witness as long as the trace)"
        )
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be positive")


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


_T0 = time.monotonic()


def _progress(text: str) -> None:
    print(f"[{time.monotonic() - _T0:6.1f}s] {text}", file=sys.stderr, flush=True)


def cmd_parse(args) -> int:
    model = _load(args)
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
    from verifier.semantics.interp import Interpreter

    if args.steps < 0:
        raise UsageError("--steps must be non-negative")
    model = _load(args)
    interp = Interpreter(model)
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

    _check_limits(args)
    if args.jobs < 1 or args.max_combos < 1 or (args.max_checks or 1) < 1:
        raise UsageError("--jobs, --max-combos and --max-checks must be at least 1")
    return SynthOptions(
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
    from verifier.synth.attrs import unknown_attribute
    from verifier.synth.pipeline import synthesize

    opts = _synth_options(args)
    model = _load(args)
    if args.attribute is not None:
        problem = unknown_attribute(model, args.attribute)
        if problem:
            raise UsageError(f"--attribute {args.attribute}: {problem}")
    progress = None if args.quiet or args.json else _progress
    report = synthesize(model, opts, progress)
    if args.json:
        print(json.dumps(report_json(report), indent=2))
    else:
        print(format_report(report, details=not args.brief))
    return 0


def cmd_survey(args) -> int:
    from verifier.output.files import atomic_write, check_output_path, write_failure
    from verifier.synth.survey import run_survey, survey_json, survey_markdown

    opts = _synth_options(args)
    check_output_path("--markdown", args.markdown, protect=args.files, allow_stdout=True)
    check_output_path("--json", args.json, protect=args.files, allow_stdout=True)
    if args.markdown is not None and args.markdown == args.json:
        raise UsageError(f"--markdown and --json name the same file {args.json}")
    if args.attribute is not None:
        _survey_attribute(args.files, args.attribute)
    survey = run_survey(args.files, opts, args.attribute, None if args.quiet else _progress)
    text = survey_markdown(survey)
    code = 0 if all(e.report is not None for e in survey.entries) else 3
    if args.markdown != "-":
        print(text, end="")
    sys.stdout.flush()
    outputs = [("--markdown", args.markdown, lambda: text)]
    outputs.append(("--json", args.json, lambda: json.dumps(survey_json(survey), indent=2) + "\n"))
    for flag, path, make in outputs:
        if path is None:
            continue
        try:
            atomic_write(path, make())
        except OSError as err:
            print(write_failure(flag, path, err), file=sys.stderr)
    return code


def _survey_attribute(files: list[str], attribute: str) -> None:
    """An --attribute no surveyed model has is an error (listing what they have)."""
    from dsl.loader import load_model
    from verifier.synth.attrs import unknown_attribute

    problems = []
    for f in files:
        try:
            model = load_model(f)
        except CCError:
            return  # the survey reports the model's error itself
        problem = unknown_attribute(model, attribute)
        if not problem:
            return
        problems.append(f"{f}: {problem}")
    raise UsageError(f"--attribute {attribute}: no surveyed model has it; " + "; ".join(problems))


if __name__ == "__main__":
    sys.exit(main())
