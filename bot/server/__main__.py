"""``python -m bot.server``: start the assistant (see ``bot.server.supervisor``)."""

import sys

from bot.server.supervisor import main

sys.exit(main())
