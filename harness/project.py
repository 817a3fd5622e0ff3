"""Where the project's files are, and the rehearsal clock every run pins.

The tests, ``make bench`` and ``make reliability`` all run the trained model of
``make model`` against the shipped content, with the actions' clock fixed to a
morning of the sample programme so that answers about "today" never drift.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "korea-week.tar.gz"
CONTENT = ROOT / "content"
#: The held-out questions (never trained on), one Rasa NLU file per language.
HELDOUT = ROOT / "tests" / "nlu"
#: ``KW_NOW`` for every run: Friday of the sample programme, mid-morning (Asia/Shanghai).
FIXED_NOW = "2026-11-27T10:00"
