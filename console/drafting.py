"""The shared draft as the pages use it: start it from the live content, change it safely.

``current`` returns the draft, or the live texts as a draft that is not stored
yet. ``change`` applies a change to the newest draft and saves it; when a
colleague saved in between, the change is applied again to their draft (up to
three times), so no edit overwrites another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from bot.content.draft import Draft, DraftConflict
from bot.content.model import local_timezone
from console.services import Services

Change = Callable[[Mapping[str, str]], dict[str, str]]


def current(services: Services) -> Draft:
    """The stored draft, or a fresh one holding the live texts (revision 0, not stored)."""
    draft = services.drafts.load()
    if draft is not None:
        return draft
    return Draft(texts=services.live_texts(), base=services.content.live_version(), revision=0)


def change(services: Services, apply: Change, who: str) -> Draft:
    """Applies ``apply`` to the newest draft and stores the result.

    Raises:
        DraftConflict: When colleagues kept saving in between (three tries).
        Whatever ``apply`` raises (nothing is stored then).
    """
    for _ in range(3):
        draft = current(services)
        texts = apply(draft.texts)
        stamp = datetime.now(local_timezone()).isoformat(timespec="seconds")
        fresh = Draft(texts, draft.base, draft.revision, who, stamp)
        try:
            return services.drafts.save(fresh, draft.revision or None)
        except DraftConflict:
            continue
    raise DraftConflict("the draft kept changing; try again")


def is_changed(services: Services, draft: Draft) -> bool:
    """Whether the draft differs from what visitors are answered from."""
    return draft.revision > 0 and dict(draft.texts) != services.live_texts()
