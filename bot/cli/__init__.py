"""The ``bot`` command line for developers, staff and operators.

``main`` parses the command and dispatches to one module per command group:
``ask`` (send messages to the assistant), ``content`` (check, publish, history,
diff, rollback), ``report`` (unanswered questions). Commands print plain text for
people and exit with a documented status.
"""

from bot.cli.main import main

__all__ = ["main"]
