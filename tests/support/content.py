"""Content variants for publishing tests: the shipped files, edited in memory."""

from __future__ import annotations

from pathlib import Path

from bot.content.loader import read_content_texts
from harness.lost_child import lost_child_entry
from harness.project import CONTENT

LOST_CHILD_ZH = "请马上告诉最近的工作人员，或到展览中心1号门服务台的走失儿童集合点（样例）。"
LOST_CHILD_KO = (
    "가까운 직원에게 바로 알리거나 전시센터 1번 출입구 안내데스크의 미아 보호소로 오세요(샘플)."
)
LOST_CHILD_ENTRY = lost_child_entry("lost-child", LOST_CHILD_ZH, LOST_CHILD_KO)
#: Paraphrases of the new entry that are not among its questions.
LOST_CHILD_PARAPHRASES = {
    "zh": "小孩走丢了去哪找",
    "ko": "아이 잃어버렸는데 미아보호소 어디 있어요",
}


def shipped_texts() -> dict[str, str]:
    """The texts of the shipped content files."""
    return read_content_texts(CONTENT)


def with_lost_child(texts: dict[str, str]) -> dict[str, str]:
    """The texts with a new FAQ entry about a lost child appended to faq.yml."""
    changed = dict(texts)
    changed["faq.yml"] = texts["faq.yml"].rstrip("\n") + "\n" + LOST_CHILD_ENTRY
    return changed


def with_replaced(texts: dict[str, str], name: str, old: str, new: str) -> dict[str, str]:
    """The texts with ``old`` replaced by ``new`` once in file ``name``."""
    assert old in texts[name], f"{old!r} is not in {name}"
    changed = dict(texts)
    changed[name] = texts[name].replace(old, new, 1)
    return changed


def write_content(directory: Path, texts: dict[str, str]) -> Path:
    """Writes content files into ``directory`` (created) and returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        with open(directory / name, "w", encoding="utf-8") as handle:
            handle.write(text)
    return directory
