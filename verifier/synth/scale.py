"""Closure checks of synthesis and surveys on a Dask cluster (``--scheduler``).

Synthesis and surveys take any :mod:`concurrent.futures` executor; Dask's
``Client.get_executor()`` is one, so a cluster needs nothing else.  ``--scheduler
ADDRESS`` connects to a running scheduler (``tcp://host:8786``), ``--scheduler local:N``
starts a local cluster of N single-threaded worker processes on the loopback interface
for the duration of the command.  Dask is an optional extra: ``pip install
"ccverify[dask]"`` (docs/performance.md, "Scale-out on Dask").
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from dsl.errors import UsageError

INSTALL = 'python -m pip install "dask[distributed]" (the ccverify[dask] extra)'


def parse_scheduler(spec: str) -> tuple[str, int | None]:
    """``("local", N)`` for ``local:N``, else ``("address", None)``; raises UsageError."""
    if spec.startswith("local:"):
        try:
            n = int(spec[len("local:") :])
        except ValueError:
            n = 0
        if n < 1:
            raise UsageError(f"--scheduler {spec}: local:N needs a number of workers N >= 1")
        return "local", n
    if not spec or spec.isspace():
        raise UsageError("--scheduler: give a scheduler address or local:N")
    return spec, None


@contextmanager
def dask_executor(spec: str) -> Iterator[Executor]:
    """A :class:`concurrent.futures.Executor` running on the Dask cluster ``spec``."""
    address, workers = parse_scheduler(spec)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(f"--scheduler needs Dask, which is not installed: {INSTALL}") from None
    cluster = None
    try:
        if workers is not None:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout=30)
    except OSError as err:
        if cluster is not None:
            cluster.close()
        raise UsageError(f"--scheduler {spec}: cannot connect: {err}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
