"""ccverify's verifier: executable semantics, SMT encoding, checks and rendering."""
