"""``python -m bot.server.action_server``: rasa-sdk's action server, without third-party noise.

The same command line as ``python -m rasa_sdk`` (``--actions actions --port 5055``);
the supervisor starts it this way so operators see our log lines, not a screen of
deprecation warnings from Sanic's dependencies. It also serves ``/metrics``
(``bot.server.metrics``: unanswered questions, the live content version, memory)
beside rasa-sdk's own ``/health``.
"""

from __future__ import annotations

from typing import Any

from bot.quiet import quiet_third_party_warnings


def serve_metrics() -> None:
    """Makes rasa-sdk's app (built by ``rasa_sdk.endpoint.create_app``) serve ``/metrics``."""
    import rasa_sdk.endpoint

    from bot.server.operations import add_metrics_route

    create_app = rasa_sdk.endpoint.create_app
    if getattr(create_app, "_kw_metrics", False):
        return

    def create_app_with_metrics(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)
        add_metrics_route(app)
        return app

    create_app_with_metrics._kw_metrics = True  # type: ignore[attr-defined]
    rasa_sdk.endpoint.create_app = create_app_with_metrics


def main() -> None:
    """Runs rasa-sdk's command line with the warning filters of bot.quiet."""
    quiet_third_party_warnings()
    serve_metrics()
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    main()
