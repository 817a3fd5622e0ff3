"""The short replica fault test (issue 14) in ``make test``; ``make reliability`` runs the full one.

Two replicas (``python -m bot.server`` in Redis mode) on one private Redis behind
the failover proxy, ten visitors in closed loop; replica A's Rasa server is
SIGKILLed 6 s into one load, its action server into another, and replica A is
started again 10 s later. Each fault must cost the visitors nothing: 0 messages
missing, 0 stored twice, 0 out of order, 0 never answered after one resend, no
wait over 3 s, every reply in the right language. The figures (and the table of
both faults) are in the failure message.
"""

from __future__ import annotations

import asyncio

import pytest

from harness.failover_verdict import WAIT_BOUND, figures_table
from harness.project import MODEL
from reliability.failover import FAULTS, run
from reliability.settings import FAILOVER_SHORT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    """Both faults under the short load; the run's results."""
    assert MODEL.exists(), "make test trains the model before running pytest"
    return asyncio.run(run(FAILOVER_SHORT, tmp_path_factory.mktemp("failover")))


def misses(figures: dict) -> list[str]:
    """The issue's criteria this fault missed, with the figure."""
    bounds = {
        "missing": "messages missing from Redis",
        "stored_twice": "messages stored twice",
        "out_of_order": "messages stored out of order",
        "never_answered": "messages never answered after one resend",
        "waits_over_bound": f"waits over {WAIT_BOUND:.0f} s",
        "wrong_language": "replies in the wrong language",
    }
    found = [f"{figures[key]} {what}" for key, what in bounds.items() if figures[key]]
    return found + ([] if figures["messages"] else ["no message was sent"])


@pytest.mark.parametrize("fault", FAULTS)
def test_a_killed_replica_process_costs_the_visitors_nothing(faults, fault) -> None:
    figures = faults["faults"][fault]
    if misses(figures):
        details = figures["examples"] + figures["slowest"] + figures["wrong_language_examples"]
        pytest.fail(
            "\n".join([f"{fault}: {', '.join(misses(figures))}", *details])
            + "\n\n"
            + figures_table(faults["faults"]),
            pytrace=False,
        )


def test_the_restarted_replica_answers_again(faults) -> None:
    for figures in faults["faults"].values():
        assert figures["fault_first_answer"] is not None, figures["events"]
