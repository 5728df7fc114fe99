"""The ccverify modeling language: grammar loading, parsing, checking, and the IR."""
