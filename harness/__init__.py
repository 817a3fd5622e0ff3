"""What the tests, ``make bench`` and ``make reliability`` share: fakes, builders, measures.

Local fake platform servers, request builders and signers, free ports, process
memory, percentiles and Markdown tables. It builds on ``bot``, ``channels`` and
``actions``; nothing in those imports it, and nothing imports ``tests``.
"""
