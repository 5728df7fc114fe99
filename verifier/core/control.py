"""Process control of one ccverify run: signals, the time-limit backstop, the memory limit.

NOTE(run-control): the CLI calls :func:`install` once.  From then on

* SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (a ``KeyboardInterrupt``) in the
  main thread; a helper thread also cancels a running z3 call (z3 only reacts to SIGINT by
  itself), so a signal ends a solver query within moments.  A second signal while the
  first is being handled ends the process at once (``os._exit``): no traceback, ever.
* :func:`arm_deadline` sets a real-time timer at the run's deadline plus a grace period:
  code that does not check the :class:`~verifier.core.budget.Budget` itself (loading,
  compiling, encoding loops) gets :class:`~verifier.core.budget.BudgetExhausted` raised
  with :func:`phase` saying where it was.
* :func:`limit_memory` caps the address space (``RLIMIT_AS``); past it allocations raise
  ``MemoryError``, which the CLI reports as verdict *unknown* (exit 5) instead of being
  killed by the operating system.

Library code never calls :func:`install`; tests and the API keep Python's defaults.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator

from dsl.errors import UsageError
from verifier.core.budget import BudgetExhausted

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE = 0.5  # seconds past the deadline before the backstop fires
DEFAULT_MEMORY_MB = 8192  # the default --memory, at most 3/4 of the machine's memory


class Interrupted(KeyboardInterrupt):
    """A signal ended the run; ``signum`` says which (exit code 128 + signum)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_state = {"signum": 0, "raised": False, "memory": 0, "pending": 0}
_NUDGE = signal.SIGWINCH  # wakes the main thread (harmless: ignored by default)
_phase = ["starting"]


def received() -> int:
    """The first signal received (0: none)."""
    return _state["signum"]


def exit_code_of(exc: BaseException) -> int:
    """128 + the signal that interrupted the run (SIGINT when z3 caught it first)."""
    if isinstance(exc, Interrupted):
        return exc.exit_code
    return 128 + (_state["signum"] or signal.SIGINT)


def signal_name(code: int) -> str:
    return signal.Signals(code - 128).name


def _handler(signum: int, frame: object) -> None:
    if not _state["signum"]:
        _state["signum"] = signum
    if _state["pending"]:  # the re-delivery of a signal a destructor swallowed
        _state["pending"] = 0
        raise Interrupted(signum)
    if _state["raised"]:  # a second signal: leave now, quietly
        die(f"ccverify: interrupted again ({signal.Signals(signum).name})", 128 + signum)
    _state["raised"] = True
    raise Interrupted(signum)


def die(message: str, code: int) -> None:
    """Print ``message`` and end the process with ``code`` without any clean-up (no
    atexit joins of worker threads, no destructor noise)."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    if message:
        with contextlib.suppress(Exception):
            os.write(2, (message + "\n").encode())
    os._exit(code)


def _unraisable(hook):
    """An interruption raised inside a destructor is swallowed by Python (and printed as
    "Exception ignored ..."): re-deliver it to the main thread instead, silently, from
    another thread a moment later (raised here, it would be swallowed again)."""

    def on_unraisable(info) -> None:
        try:
            exc = info.exc_value
            if isinstance(exc, (KeyboardInterrupt, BudgetExhausted)):
                import _thread

                signum = getattr(exc, "signum", signal.SIGINT)
                if isinstance(exc, BudgetExhausted):
                    signum = signal.SIGALRM
                    _state["raised"] = False
                else:
                    _state["pending"] = signum
                threading.Timer(0.05, _thread.interrupt_main, args=(signum,)).start()
                return
        except BaseException:
            return
        hook(info)

    return on_unraisable


def _watch(fd: int) -> None:
    """The wakeup-fd reader: on any signal, cancel a running z3 call so that the main
    thread gets to run its Python-level handler."""
    while True:
        try:
            data = os.read(fd, 64)
        except OSError:
            return
        if not data:
            return
        if all(b == _NUDGE for b in data):
            continue
        _cancel()
        # A process-directed signal may have been delivered to another thread, leaving the
        # main thread blocked (waiting for a worker's result): wake it, so that it runs
        # the handler.
        with contextlib.suppress(Exception):
            signal.pthread_kill(threading.main_thread().ident or 0, _NUDGE)


_installed = [False]
_cancellers: list[Callable[[], None]] = []


def register_canceller(fn: Callable[[], None]) -> None:
    """``fn`` cancels a computation that does not see Python signals (z3: the SMT layer
    registers it, so that this core module imports nothing above it)."""
    if fn not in _cancellers:
        _cancellers.append(fn)


def _cancel() -> None:
    for fn in list(_cancellers):
        with contextlib.suppress(Exception):
            fn()


def install() -> None:
    """Install the signal handlers, the wakeup thread and the unraisable hook (CLI only)."""
    if _installed[0] or threading.current_thread() is not threading.main_thread():
        return
    _installed[0] = True
    for s in SIGNALS:
        signal.signal(s, _handler)
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(_NUDGE, lambda signum, frame: None)
    r, w = os.pipe()
    os.set_blocking(w, False)
    signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    threading.Thread(target=_watch, args=(r,), daemon=True, name="ccverify-signals").start()
    sys.unraisablehook = _unraisable(sys.unraisablehook)


def stop_handling() -> None:
    """From now on any of the signals ends the process at once (the run is reporting)."""
    _state["raised"] = True


# ------------------------------------------------------------------ time


@contextlib.contextmanager
def phase(where: str) -> Iterator[None]:
    """Name what the run is doing, for the backstop's message."""
    old = _phase[0]
    _phase[0] = where
    try:
        yield
    finally:
        _phase[0] = old


def set_phase(where: str) -> None:
    _phase[0] = where


def current_phase() -> str:
    return _phase[0]


def _alarm(signum: int, frame: object) -> None:
    if _state["raised"]:
        return
    _state["raised"] = True
    if _state["memory"]:
        raise BudgetExhausted(
            f"memory limit of {_state['memory']} MiB reached while {_phase[0]} "
            f"(raise it with --memory)"
        )
    raise BudgetExhausted(f"time limit reached while {_phase[0]}")


def arm_deadline(seconds_left: float | None) -> None:
    """Fire the backstop ``seconds_left`` + GRACE seconds from now (None: disarm)."""
    if not _installed[0]:
        return
    if seconds_left is None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    if not _state["signum"]:  # an earlier backstop that an engine caught: armed again
        _state["raised"] = False
    signal.setitimer(signal.ITIMER_REAL, max(seconds_left, 0.0) + GRACE)


def disarm() -> None:
    """No backstop any more (the verdict is being reported)."""
    if _installed[0]:
        signal.setitimer(signal.ITIMER_REAL, 0)


# ------------------------------------------------------------------ memory


def default_memory_mb() -> int:
    """DEFAULT_MEMORY_MB, or 3/4 of the physical memory when that is less."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (ValueError, OSError, AttributeError):
        return DEFAULT_MEMORY_MB
    return max(256, min(DEFAULT_MEMORY_MB, total * 3 // 4))


def validate_memory(mb: int | None) -> int | None:
    """The --memory value in MiB (0: no limit); usage error when it is unusable."""
    if mb is None:
        return default_memory_mb()
    if mb < 0:
        raise UsageError(f"--memory must be a number of MiB (0: no limit), got {mb}")
    if 0 < mb < 64:
        raise UsageError(f"--memory {mb}: at least 64 MiB are needed to run at all")
    return mb


def _rss_mib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def _memory_watch(mb: int) -> None:
    """Poll the resident set; past ``mb`` MiB stop the run like the time backstop does."""
    import _thread

    while True:
        time.sleep(0.2)
        try:
            rss = _rss_mib()
        except (OSError, ValueError):
            return
        if rss > mb:
            _state["memory"] = mb
            _cancel()
            _thread.interrupt_main(signal.SIGALRM)
            return


def limit_memory(mb: int) -> None:
    """Stop the run with verdict unknown past ``mb`` MiB of resident memory (0: no limit):
    a watch thread polls the resident set and stops the main thread cleanly; besides, the
    address space of this process and of the workers it starts is capped at twice that
    plus 1 GiB, where allocations fail with MemoryError (reported the same way)."""
    if mb <= 0:
        return
    if os.path.exists("/proc/self/statm"):
        threading.Thread(target=_memory_watch, args=(mb,), daemon=True, name="ccverify-mem").start()
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = (2 * mb + 1024) << 20
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def installed() -> bool:
    """Whether :func:`install` ran (the real command line, not a test)."""
    return _installed[0]


def process_start() -> float | None:
    """When this process started, on the time.monotonic() clock (None if unknown), so that
    a time limit also covers the interpreter's start-up and imports."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # seconds after boot
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return time.monotonic() - max(age, 0.0)
