"""The shared draft: Redis and file stores refuse a save based on an old revision."""

from __future__ import annotations

import pytest

from bot.content.draft import Draft, DraftConflict, FileDraftStore, RedisDraftStore


@pytest.fixture(params=["file", "redis"])
def drafts(request, tmp_path):
    if request.param == "file":
        return FileDraftStore(tmp_path / "draft.json")
    client = request.getfixturevalue("redis_client")
    return RedisDraftStore(client, request.getfixturevalue("redis_prefix"))


def test_save_load_conflict_discard(drafts) -> None:
    assert drafts.load() is None
    first = drafts.save(Draft({"faq.yml": "faq: []\n"}, base="abc", updated_by="Li"), None)
    assert first.revision == 1 and drafts.load() == first
    with pytest.raises(DraftConflict):
        drafts.save(Draft({"faq.yml": "x"}), None)
    second = drafts.save(Draft({"faq.yml": "faq: [1]\n"}, updated_by="Kim"), first.revision)
    with pytest.raises(DraftConflict):
        drafts.save(Draft({"faq.yml": "lost"}), first.revision)
    assert drafts.load().texts == {"faq.yml": "faq: [1]\n"} and second.revision == 2
    drafts.discard()
    assert drafts.load() is None
