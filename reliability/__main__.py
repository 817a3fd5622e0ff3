"""``python -m reliability``: see ``reliability.run``."""

import sys

from reliability.run import main

sys.exit(main())
