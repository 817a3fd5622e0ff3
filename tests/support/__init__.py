"""Helpers only the tests import (fixtures are in tests/conftest.py): paths and test data.

``agent`` (trackers for actions, one message through the whole assistant, reply
language), ``channels`` (platform payload fixtures), ``cluster`` (Rasa servers on
Redis), ``content`` (content variants), ``lock_race`` and ``redis``. What the
tests share with ``make bench`` and ``make reliability`` (fake platforms, request
builders, the project's paths and clock, ...) is imported from ``harness``.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures"
