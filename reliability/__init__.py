"""Reliability harness: hostile input, duplicates, faults, load and abuse, with figures.

``python -m reliability`` (``make reliability``) runs the full set against
``python -m bot.server`` with every channel on and writes ``docs/reliability.md``;
``tests/test_reliability_*.py`` run a short version inside ``make test``.

Modules: ``settings`` (secrets and run sizes), ``payloads`` (pure request
builders and hypothesis strategies of malformed requests), ``procs`` (resident
memory from /proc), ``assistant`` (the server under test and the fake
platforms), ``client`` (sending and classifying replies), ``load`` (virtual
visitors), ``faults`` (a Redis and an action-server link to break), ``scenarios``
(duplicates, order, abuse), ``report`` (the Markdown figures) and ``run`` (the
full set). Everything talks to 127.0.0.1 only and every loop is bounded.
"""
