"""What the tests, ``make bench`` and ``make reliability`` share: fakes, builders, measures.

Local fake platform servers, request builders and signers, free ports, process
memory, percentiles and Markdown tables; a failover proxy and the replica fault
test's load and verdict (``proxy``, ``failover``, ``failover_verdict``). It
builds on ``bot``, ``channels`` and ``actions``; nothing in those imports it, and
nothing imports ``tests``.
"""
