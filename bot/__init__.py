"""Korea Week Assistant: the base layer the actions, connectors and console build on.

Sub-packages by role: ``nlu`` (language, dates and the Rasa NLU components that
config.yml names), ``content`` (the staff content: model, loader, store, FAQ
retrieval), ``unanswered`` (questions the bot could not answer), ``server`` (the
supervisor, the Rasa fixes, the Redis tracker and lock stores, the rate limit),
``cli`` (the ``bot`` command) and ``evaluation`` (held-out measurements).
``settings`` reads every environment variable, in one place; ``redis_client``
opens every Redis connection. Nothing in ``bot`` imports ``actions``,
``channels`` or ``console``; they import ``bot``.
"""
