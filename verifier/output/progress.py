"""Progress on stderr while a check, a synthesis or a survey runs.

A :class:`Progress` is the ``progress`` callback the engines and the synthesis take:
``progress(text)`` reports something finished (a bound, a closure check) and
``progress.tick(depth=..., nodes=..., solver_calls=...)`` says where a bound is while it
runs.  On a terminal a rich live line at the bottom shows the bound, the nodes or solver
calls, their rate and the elapsed time, refreshed four times a second (also while one
solver call runs); finished steps scroll above it.  When stderr is not a terminal the
output is plain lines ``[  12.3s] text``, plus a line every ``heartbeat`` seconds during
a long bound, so a CI log shows the run is alive.
"""

from __future__ import annotations

import sys
import time
from typing import IO

from rich.console import Console
from rich.live import Live
from rich.text import Text


class Progress:
    """Progress reports on ``stream`` (see the module docstring)."""

    def __init__(
        self, stream: IO[str] | None = None, *, live: bool | None = None, heartbeat: float = 10.0
    ):
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.live = bool(isatty and isatty()) if live is None else live
        self.heartbeat = heartbeat
        self.start = time.monotonic()
        self.status: dict[str, int] = {}
        self._status_since = self.start
        self._status_base: dict[str, int] = {}
        self._last_line = self.start
        self._live: Live | None = None
        if self.live:
            console = Console(file=self.stream, highlight=False, markup=False, emoji=False)
            self._live = Live(
                get_renderable=self._render,
                console=console,
                refresh_per_second=4,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._live.start()

    # ------------------------------------------------------------------ reports

    def __call__(self, text: str) -> None:
        """Something finished: one line, kept."""
        line = f"[{self.elapsed():6.1f}s] {text}"
        if self._live is not None:
            self._live.console.print(Text(line))
        else:
            print(line, file=self.stream, flush=True)
        self._last_line = time.monotonic()

    def tick(self, **status: int) -> None:
        """Where the current bound is; cheap enough to call per search node or query."""
        depth = status.get("depth")
        if depth is not None and depth != self.status.get("depth"):
            self._status_since = time.monotonic()
            self._status_base = dict(self.status)
        self.status.update(status)
        if self._live is None and time.monotonic() - self._last_line >= self.heartbeat:
            self(f"... {self._describe()}")

    def close(self) -> None:
        """Stop the live line (idempotent)."""
        if self._live is not None:
            self._live.stop()
            self._live = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ rendering

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def _describe(self) -> str:
        s = self.status
        parts = []
        if "depth" in s:
            parts.append(f"bound {s['depth']}")
        since = max(time.monotonic() - self._status_since, 1e-9)
        for key, unit in (("nodes", "nodes"), ("solver_calls", "solver calls")):
            if key in s:
                rate = (s[key] - self._status_base.get(key, 0)) / since
                parts.append(f"{s[key]} {unit} ({_rate(rate)}/s)")
        return ", ".join(parts) if parts else "working"

    def _render(self) -> Text:
        return Text(f"{_spinner(self.elapsed())} {self._describe()}, {self.elapsed():.1f} s")


_FRAMES = "|/-\\"


def _spinner(t: float) -> str:
    return _FRAMES[int(t * 4) % len(_FRAMES)]


def _rate(x: float) -> str:
    return f"{x / 1000:.1f}k" if x >= 1000 else f"{x:.0f}"
