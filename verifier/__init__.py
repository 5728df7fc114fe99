"""ccverify's verifier: executable semantics, SMT encoding, checks and rendering."""

__distribution__ = "ccverify"  # NOTE(shadowing): read by verifier.api.foreign_packages
