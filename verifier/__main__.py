"""``python -m ccverify`` (installed) and ``python -m verifier``: the ``ccverify`` command."""

import sys

try:  # installed: the top-level package ccverify, which checks the installation first
    from ccverify import main
except ImportError:  # a source tree without installation
    from verifier.api import main

if __name__ == "__main__":
    sys.exit(main())
