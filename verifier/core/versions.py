"""The version of ccverify, the one lookup every report and ``--version`` use."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

SOURCE_TREE = "(source tree)"


def ccverify_version() -> str:
    """The installed distribution's version, or ``(source tree)`` when not installed."""
    try:
        return version("ccverify")
    except PackageNotFoundError:
        return SOURCE_TREE
