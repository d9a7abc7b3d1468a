"""`python -m cli`: the claimtrack command line."""

import sys

from cli.main import main

sys.exit(main())
