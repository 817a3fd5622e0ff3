"""``python -m bot.server.action_server``: rasa-sdk's action server, without third-party noise.

The same command line as ``python -m rasa_sdk`` (``--actions actions --port 5055``);
the supervisor starts it this way so operators see our log lines, not a screen of
deprecation warnings from Sanic's dependencies.
"""

from __future__ import annotations

from bot.quiet import quiet_third_party_warnings


def main() -> None:
    """Runs rasa-sdk's command line with the warning filters of bot.quiet."""
    quiet_third_party_warnings()
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    main()
