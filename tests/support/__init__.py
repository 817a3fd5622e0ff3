"""Helpers the tests import (fixtures are in tests/conftest.py): paths, the clock, fakes.

``agent`` (trackers for actions, one message through the whole assistant, reply
language), ``channels`` (servers for connector tests), ``cluster`` (Rasa servers
on Redis), ``content`` (content variants), ``lock_race`` and ``redis``.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
MODEL = ROOT / "models" / "korea-week.tar.gz"
#: Friday of the sample programme, mid-morning.
FIXED_NOW = "2026-11-27T10:00"
