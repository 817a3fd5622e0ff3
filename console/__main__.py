"""``python -m console``: serve the staff console on KW_CONSOLE_HOST:KW_CONSOLE_PORT.

Prints its address once it listens. ``make run`` starts it beside the assistant
(``bot.server.supervisor``); docker compose runs it as the ``console`` service.
"""

from __future__ import annotations

import logging
import sys

from bot.quiet import quiet_third_party_warnings
from bot.settings import SettingsError, get_settings


def main() -> int:
    """Serves the console until interrupted; returns the exit status."""
    quiet_third_party_warnings()
    try:
        settings = get_settings()
    except SettingsError as error:
        print(f"Refusing to start the console: {error}", file=sys.stderr)
        return 1
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from console.app import create_app
    from console.services import build_services

    app = create_app(build_services(settings))
    host, port = settings.console_host, settings.console_port

    @app.after_server_start
    async def announce(app: object, loop: object) -> None:
        print(f"Staff console is listening on http://{host}:{port}/", flush=True)

    app.run(host=host, port=port, access_log=False, workers=1, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
