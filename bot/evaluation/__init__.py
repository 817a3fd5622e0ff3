"""Measuring understanding: held-out NLU scores (``nlu``) and FAQ retrieval thresholds (``faq``).

Used by the test suite, by ``make bench`` and by ``make faq-eval``; nothing here
runs while the bot serves visitors.
"""
