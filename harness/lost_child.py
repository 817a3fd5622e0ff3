"""A FAQ entry the shipped content lacks (a lost child), for publishing tests and bench.

Publishing it is a content change whose effect one question shows: only this
entry answers "미아 보호소는 어디예요?".
"""

from __future__ import annotations

_ENTRY = """
  - id: {entry_id}
    topic: facilities
    questions:
      zh:
        - 孩子走丢了怎么办？
        - 走失儿童在哪里等
        - 找不到孩子了
      ko:
        - 아이를 잃어버렸어요
        - 미아 보호소는 어디예요?
        - 아이를 못 찾겠어요
    answer:
      zh: {zh}
      ko: {ko}
"""


def lost_child_entry(entry_id: str, zh: str, ko: str) -> str:
    """The entry as a YAML list item to append to faq.yml.

    Args:
        entry_id: The entry's id.
        zh: Its Chinese answer.
        ko: Its Korean answer.
    """
    return _ENTRY.format(entry_id=entry_id, zh=zh, ko=ko)
