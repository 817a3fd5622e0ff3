"""WeChat menu keys and QR scenes name intents that domain.yml declares.

The connector reads the intent list from domain.yml (``channels.common.intents``),
so a key the docs tell staff to configure, or a fixture WeChat sends, fails here
as soon as it names an intent the domain does not have.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from channels.common.catalog import WELCOME_TOPICS
from channels.common.errors import ChannelConfigError
from channels.common.intents import DOMAIN_PATH, domain_intents
from channels.wechat import parse
from harness.project import ROOT
from tests.support.channels import fixture_text


def documented_menu_keys() -> list[str]:
    """The CLICK keys docs/channels.md tells staff to put in the custom menu."""
    text = (ROOT / "docs" / "channels.md").read_text(encoding="utf-8")
    section = text[text.index("Custom menu") :].split("\n\n", 1)[0]
    return re.findall(r"`([A-Z_]+)`", section)


def fixture_keys() -> list[str]:
    """The EventKey of every CLICK and SCAN fixture (a VIEW event's key is a URL)."""
    keys = []
    for path in sorted((ROOT / "tests" / "fixtures" / "wechat").glob("event_*.xml")):
        fields = parse.parse_xml(fixture_text("wechat", path.name))
        if fields.get("Event", "").lower() in ("click", "scan", "subscribe") and fields.get(
            "EventKey"
        ):
            keys.append(fields["EventKey"])
    return keys


def test_the_intents_are_those_of_the_repositorys_domain_file() -> None:
    assert DOMAIN_PATH == ROOT / "domain.yml"
    with open(ROOT / "domain.yml", encoding="utf-8") as handle:
        declared = set(yaml.safe_load(handle)["intents"])
    assert domain_intents() == declared


@pytest.mark.parametrize("key", documented_menu_keys() + fixture_keys())
def test_documented_and_sent_keys_name_a_domain_intent(key: str) -> None:
    intent = parse.intent_for_key(key)
    assert intent is not None, f"{key} names no intent of domain.yml"
    assert intent[1:] in domain_intents()


def test_the_docs_name_menu_keys_at_all() -> None:
    assert len(documented_menu_keys()) >= 5 and len(fixture_keys()) >= 3


def test_every_domain_intent_works_as_a_key_or_scene_and_others_do_not() -> None:
    for intent in domain_intents():
        assert parse.intent_for_key(intent.upper()) == f"/{intent}"
        assert parse.intent_for_key(f"qrscene_{intent}") == f"/{intent}"
    assert parse.intent_for_key("ASK_NOTHING_AT_ALL") is None
    assert parse.intent_for_key("qrscene_12345") is None


def test_welcome_topics_send_domain_intents() -> None:
    for _, payload in WELCOME_TOPICS:
        assert payload[1:] in domain_intents()


def test_the_domain_is_found_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    domain_intents.cache_clear()
    assert "ask_schedule" in domain_intents()


def test_a_domain_without_intents_is_a_configuration_error(tmp_path: Path) -> None:
    empty = tmp_path / "domain.yml"
    empty.write_text("version: '3.1'\nresponses: {}\n", encoding="utf-8")
    with pytest.raises(ChannelConfigError, match="no intents"):
        domain_intents(empty)
    options = tmp_path / "options.yml"
    options.write_text("intents:\n  - greet\n  - ask_venue:\n      use_entities: []\n", "utf-8")
    assert domain_intents(options) == {"greet", "ask_venue"}
    with pytest.raises(ChannelConfigError, match="cannot read"):
        domain_intents(tmp_path / "missing.yml")
