"""The embedded-mode content store: the folder is live, versions and history under var/."""

from __future__ import annotations

import threading

import pytest

from bot.content import load_content_texts
from bot.content.filestore import FileContentStore, read_folder_texts
from bot.content.history import NothingToDo
from tests.support.content import shipped_texts, with_lost_child, write_content


@pytest.fixture
def store(tmp_path) -> FileContentStore:
    return FileContentStore(write_content(tmp_path / "content", shipped_texts()), tmp_path / "var")


def test_publish_rewrites_the_folder_and_rollback_restores_it(store: FileContentStore) -> None:
    base = store.live_version()
    with pytest.raises(NothingToDo):
        store.publish(shipped_texts(), "Li", "same")
    entry = store.publish(with_lost_child(shipped_texts()), "Li", "lost child")
    assert entry.parent == base and entry.changes["faq"]["added"] == ["lost-child"]
    assert store.live_version() == entry.version
    assert store.folder_texts() == with_lost_child(shipped_texts())
    back = store.rollback("Kim")
    assert back.version == base and store.folder_texts() == shipped_texts()
    assert [e.action for e in store.history()] == ["publish", "rollback"]
    assert store.resolve(entry.version[:6]) == entry.version
    assert store.content(entry.version).faq_entry("lost-child") is not None


def test_hand_edits_are_kept_as_a_version_before_a_publish(store: FileContentStore) -> None:
    store.publish(with_lost_child(shipped_texts()), "Li", "lost child")
    edited = with_lost_child(shipped_texts())
    edited["faq.yml"] = edited["faq.yml"].replace("走失儿童在哪里等", "走失的儿童在哪里等")
    write_content(store.directory, edited)
    hand = store.live_version()
    store.publish(shipped_texts(), "Li", "undo the lost child")
    assert store.texts(hand) == edited  # the hand-edited folder can be rolled back to
    store.rollback("Li", hand[:8])
    assert store.folder_texts() == edited


def test_a_reader_never_sees_old_and_new_files_mixed(store: FileContentStore) -> None:
    versions = [
        load_content_texts(t).version for t in (shipped_texts(), with_lost_child(shipped_texts()))
    ]
    new = with_lost_child(shipped_texts())
    new["events.yml"] = new["events.yml"].replace("博览会暨韩国周开幕式", "开幕式（新）", 1)
    versions.append(load_content_texts(new).version)
    stop, seen, bad = threading.Event(), set(), []

    def read() -> None:
        while not stop.is_set():
            texts = read_folder_texts(store.directory, store.lock)
            try:
                seen.add(load_content_texts(texts).version)
            except Exception as error:  # noqa: BLE001 - recorded for the assertion
                bad.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    for number in range(6):
        store.publish(new if number % 2 == 0 else shipped_texts(), "Li", f"flip {number}")
    stop.set()
    reader.join()
    assert not bad and seen <= {versions[0], versions[2]}, (bad, seen)
