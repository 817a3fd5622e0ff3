"""Reliability harness: hostile input, duplicates, faults, load and abuse, with figures.

``python -m reliability`` (``make reliability``) runs the full set against
``python -m bot.server`` with every channel on and writes ``docs/reliability.md``;
``tests/reliability/`` runs a short version inside ``make test``.

Modules: ``settings`` (run sizes and bounds), ``payloads`` (hypothesis strategies
of malformed requests, one module per channel), ``messages`` (how a virtual
visitor's messages are addressed), ``assistant`` (the server under test),
``client`` (sending and classifying replies), ``load`` (virtual visitors),
``outages`` (a fault under load), ``scenarios`` (duplicates, order, abuse),
``verdicts`` (each figure against its bound), ``report`` (the Markdown page, its
prose in ``templates/``), ``failover`` (two replicas, a process of one killed
under load) and ``run`` (the full set). What it shares with the tests
and ``make bench`` (fake platforms, request builders and signing, a private
Redis, a link to cut, /proc, percentiles) is in ``harness``. Everything talks to
127.0.0.1 only and every loop is bounded.
"""
