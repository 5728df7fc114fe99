"""The ccverify modeling language: grammar loading, parsing, checking, and the IR."""

__distribution__ = "ccverify"  # NOTE(shadowing): read by verifier.api.foreign_packages
