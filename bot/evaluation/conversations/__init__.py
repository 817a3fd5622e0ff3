"""The visitor conversation set: conversations as visitors type them, played and judged.

``model`` reads the set (tests/conversations/{tuned,untouched}/*.yml) into typed
conversations; ``judge`` decides, for one turn, whether the replies are fully
right (the facts asked for, the asked detail first, phone-sized, the visitor's
language, and "I don't know" rather than another topic's facts); ``player``
plays a conversation through the real model and actions in this process at the
conversation's own clock; ``report`` counts the results by part, language and
category. ``python -m bot.evaluation.conversations`` prints the report and the
failures; the test suite and ``make bench`` use the same pieces.
"""
