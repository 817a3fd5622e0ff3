from harness.heldout import parse_examples, questions
from harness.project import HELDOUT


def test_examples_lose_their_entity_markup() -> None:
    assert parse_examples("nlu:\n- intent: a\n  examples: |\n    - 去[西塔](venue)\n") == ["去西塔"]
    assert parse_examples("nlu:\n- synonym: x\n  examples: |\n    - y\n") == []


def test_questions_come_in_a_fixed_order_per_seed() -> None:
    first, again, other = questions(), questions(), questions(seed=7)
    assert first == again and set(first) == {"zh", "ko"}
    assert first["zh"] != other["zh"] and sorted(first["zh"]) == sorted(other["zh"])
    assert len(first["zh"]) == len(parse_examples((HELDOUT / "zh.yml").read_text("utf-8")))
