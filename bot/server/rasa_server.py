"""Rasa's own command line, with six fixes applied first.

1. Speed. Rasa 3.6's ``RemoteAction._validate_action_result`` calls
   ``jsonschema.validate``, which (jsonschema 4.17) re-checks the schema itself
   before every validation: 23 ms per custom-action call on this machine, 60 % of
   the Rasa server's CPU under load (py-spy; docs/benchmarks.md). Here the same
   schema is checked once and the compiled validator reused: the same responses
   pass and fail, in about 0.3 ms.
2. A conversation that trips the circuit breaker stays usable. When the action
   server is unreachable, a failed ``action_session_start`` leaves a state no rule
   knows, the core fallback (a custom action) fails too, and Rasa stops after ten
   predictions without logging ``action_listen``. Its limit counts every action
   since the last ``action_listen``, so from then on each new message of that
   visitor trips the breaker at once and gets no answer, even after the action
   server is back (``make reliability`` saw 18 s of silence for such visitors,
   until their sessions moved on). Rasa leaves a hook for this (``on_circuit_break``)
   but never sets it; here it logs the ``action_listen`` that ends the turn.
3. Speed. Every event read back from a tracker store, and every event an action
   returns, is resolved to its class by ``Event.resolve_by_type``, which lists all
   ``Event`` subclasses recursively (with ``inspect.isabstract`` on each) every
   time: 4.6 % of the Rasa server's CPU under load (py-spy). The classes do not
   change once imported, so the answer is remembered per type name.
4. Memory and start-up. Serving imports TensorFlow (with Keras, jax and tensorboard:
   about 2,800 modules and 3.4 s) and matplotlib, though our pipeline and policies
   use neither. ``bot.server.lean_imports`` supplies light stand-ins for the six
   Rasa modules that pull them in, for ``run``/``shell`` without ``--enable-api``
   and only when the model's predict schema uses no TensorFlow component
   (``KW_LEAN_IMPORTS=off`` turns it off). Any real use loads the real modules.
   With it, ``bot.server.lean_memory`` (``KW_LEAN_MEMORY=off`` turns it off) limits
   glibc's malloc arenas and hands freed memory back once the model is loaded.
   Measured with ``python -m bench --stages lean`` (docs/benchmarks.md, "Serving
   without TensorFlow"): see the figures there.
5. Draining. Sanic stops at once on SIGTERM and keeps serving open keep-alive
   connections meanwhile; ``bot.server.drain`` is installed on the app Rasa
   builds (``rasa.core.run.configure_app``) so turns in flight finish, new
   requests get 503 and ``Connection: close``, for ``KW_DRAIN_SECONDS`` at most.
6. No half turn stored. Rasa stores a turn whose custom action failed (the action
   server died mid-call) with no answer, so the visitor's resend was answered from
   that record, with nothing. ``bot.server.abort`` stops such a turn before it is
   stored; the channel answers 503 (REST: a load balancer passes the request to
   another replica) or its "error" text, and the resend is processed once.

    python -m bot.server.rasa_server run --model models/korea-week.tar.gz ...

(what ``python -m bot.server`` starts). It also serves ``/health``, ``/ready`` and
``/metrics`` for operators (``bot.server.operations``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Drop-in for ``RemoteAction._validate_action_result`` with a compiled validator.

    Raises:
        jsonschema.ValidationError: With Rasa's own hint appended, as Rasa does.
    """
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    validator = _action_result_validator()
    error = best_match(validator.iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
    raise error


def listen_after_circuit_break(tracker: Any, *_: Any) -> None:
    """Ends a turn stopped by the circuit breaker the way every turn ends: listening.

    Args:
        tracker: The conversation whose turn hit ``max_number_of_predictions``; Rasa
            saves it after this returns.
    """
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted

    from bot.server.metrics import CIRCUIT_BREAKER_TRIPS

    CIRCUIT_BREAKER_TRIPS.inc()
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    logger.warning("Turn of %s stopped by the circuit breaker; listening again", tracker.sender_id)


def remembering_resolver(resolve: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps ``Event.resolve_by_type`` so each type name is looked up once.

    Only real matches are remembered: an unknown name still raises (or gives the
    default) exactly as Rasa's does.
    """
    found: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any | None = None) -> Any | None:
        cls = found.get(type_name)
        if cls is None:
            cls = resolve(type_name, default)
            if cls is not None and getattr(cls, "type_name", None) == type_name:
                found[type_name] = cls
        return cls

    resolve_by_type._kw_remembers = True  # type: ignore[attr-defined]
    return resolve_by_type


def draining_app_factory(configure: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps Rasa's ``configure_app`` so every app it builds drains on SIGTERM."""

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        from bot.server import drain
        from bot.settings import get_settings

        app = configure(*args, **kwargs)
        drain.install(app, get_settings().drain_seconds)
        return app

    configure_app._kw_drains = True  # type: ignore[attr-defined]
    return configure_app


def install() -> None:
    """Applies the fixes: validator, listening after a circuit break, event lookup, drain."""
    import rasa.core.run
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import Event

    if not getattr(rasa.core.run.configure_app, "_kw_drains", False):
        rasa.core.run.configure_app = draining_app_factory(rasa.core.run.configure_app)

    RemoteAction._validate_action_result = validate_action_result
    if not getattr(Event.resolve_by_type, "_kw_remembers", False):
        Event.resolve_by_type = staticmethod(remembering_resolver(Event.resolve_by_type))
    if getattr(MessageProcessor.__init__, "_kw_listens", False):
        return
    original = MessageProcessor.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("on_circuit_break", listen_after_circuit_break)
        original(self, *args, **kwargs)

    init._kw_listens = True  # type: ignore[attr-defined]
    MessageProcessor.__init__ = init


def install_lean(argv: list[str]) -> bool:
    """Installs fix 4 (stand-ins for Rasa's TensorFlow modules, memory measures) as allowed.

    Must run before Rasa is imported.

    Args:
        argv: Rasa's command line arguments (``run --model …``).

    Returns:
        Whether the stand-ins are installed.
    """
    from bot.server import lean_imports
    from bot.settings import get_settings

    settings = get_settings()
    lean = lean_imports.wanted(argv, settings.lean_imports)
    if lean:
        lean_imports.install(console=argv[0] == "run")
        logger.info("Serving without TensorFlow (KW_LEAN_IMPORTS=off for Rasa's own imports)")
    if settings.lean_memory and argv and argv[0] in ("run", "shell"):
        from bot.server import lean_memory

        lean_memory.install()
    return lean


def main() -> None:
    """Runs Rasa's command line (same arguments as ``rasa``) with the fixes installed."""
    from bot.quiet import quiet_third_party_warnings
    from bot.server import abort, operations
    from bot.server.drain import listen_for_supervisor

    quiet_third_party_warnings()
    listen_for_supervisor()
    install_lean(sys.argv[1:])
    install()
    operations.install()  # /health, /ready, /metrics (docs/deploy.md)
    # After operations: its counting wrapper must see the action's own error.
    abort.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
