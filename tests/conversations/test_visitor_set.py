"""The whole visitor conversation set, played through the real model and actions.

The figures the answers issue asks for, measured on every run with the fixed
clock of each conversation: each language and the multi-turn conversations of
the tuned part, and answers that give another topic's facts where the bot should
say it does not know (none, in either part). The untouched part is nobody's
tuning target; it only has to stay clear of a collapse, and its figures are
printed next to the tuned ones (``pytest -s``).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.evaluation.conversations.model import load_set
from bot.evaluation.conversations.player import ConversationResult, play_all
from bot.evaluation.conversations.report import render_failures, render_table, summarize
from harness.project import ROOT

SET = ROOT / "tests" / "conversations"
#: Each language of the tuned part, fully right.
LANGUAGE_FLOOR = 0.95
#: Multi-turn conversations of the tuned part, fully right.
MULTI_TURN_FLOOR = 0.90
#: The untouched part: well below its measured rate, a floor against collapse.
UNTOUCHED_FLOOR = 0.75


@pytest.fixture(scope="module")
def played(agent: Any) -> list[ConversationResult]:
    loaded, loop = agent
    results = loop.run_until_complete(play_all(loaded, load_set(SET)))
    print("\n" + "\n".join(render_table(results)))
    return results


def _part(results: list[ConversationResult], part: str) -> list[ConversationResult]:
    return [r for r in results if r.conversation.part == part]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_the_tuned_part_is_right_in_each_language(played, lang: str) -> None:
    tuned = _part(played, "tuned")
    rate = summarize(tuned).by_language[lang].rate
    wrong = [r for r in tuned if r.conversation.language == lang and not r.ok]
    assert rate is not None and rate >= LANGUAGE_FLOOR, "\n".join(render_failures(wrong))


@pytest.mark.slow
def test_multi_turn_conversations_of_the_tuned_part_are_right(played) -> None:
    tuned = _part(played, "tuned")
    rate = summarize(tuned).multi_turn.rate
    wrong = [r for r in tuned if r.conversation.multi_turn and not r.ok]
    assert rate is not None and rate >= MULTI_TURN_FLOOR, "\n".join(render_failures(wrong))


@pytest.mark.slow
def test_no_answer_gives_another_topics_facts(played) -> None:
    # Only the count of the untouched part is shown, not its turns.
    tuned = [r for r in _part(played, "tuned") if r.wrong_topic]
    assert summarize(played).wrong_topic == 0, "\n".join(render_failures(tuned))


@pytest.mark.slow
def test_the_untouched_part_does_not_collapse(played) -> None:
    rate = summarize(_part(played, "untouched")).overall.rate
    assert rate is not None and rate >= UNTOUCHED_FLOOR
