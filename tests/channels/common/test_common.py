"""Shared connector pieces.

Stores (memory and the real Redis on 127.0.0.1:6379), the message catalog,
bot-message parsing and splitting, the budgeted runner, and the credentials
generator that decides which channels `make run` serves.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import UserMessage

from bot.nlu.language import detect_language
from bot.server import credentials as generator
from bot.settings import Settings, get_settings
from channels.common import catalog
from channels.common.config import ChannelConfigError, optional_float, required_str
from channels.common.replies import (
    BotMessage,
    Venue,
    map_url,
    parse_bot_message,
    split_text,
    utf8_len,
    utf16_len,
)
from channels.common.runner import (
    CollectingOutput,
    TaskKeeper,
    build_metadata,
    run_within_budget,
    secrets_equal,
)
from channels.common.store import MemoryStore, RedisStore, create_store, mark_once
from harness.project import ROOT

REDIS_URL = "redis://127.0.0.1:6379/0"


# --- stores -----------------------------------------------------------------------------------


async def test_memory_store_add_get_set_delete_and_ttl() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    assert await store.add("a", {"x": [1, "二"]}, ttl=10)
    assert not await store.add("a", 2, ttl=10)
    assert await store.get("a") == {"x": [1, "二"]}
    now[0] = 10.5
    assert await store.get("a") is None
    assert await store.add("a", 3, ttl=1)
    await store.delete("a")
    assert await store.get("a") is None
    with pytest.raises(ValueError):
        await store.set("b", 1, ttl=0)


async def test_memory_store_is_bounded() -> None:
    store = MemoryStore(max_entries=100)
    for index in range(1000):
        await store.add(f"update:{index}", 1, ttl=3600)
    assert len(store) == 100
    assert await store.get("update:999") == 1 and await store.get("update:0") is None


@pytest.fixture
async def redis_store() -> Any:
    prefix = f"kw:test:{uuid.uuid4().hex}:"
    store = RedisStore.from_url(REDIS_URL, prefix)
    yield store, prefix
    keys = await store._client.keys(f"{prefix}*")
    if keys:
        await store._client.delete(*keys)
    await store.close()


async def test_redis_store_prefixes_keys_stores_json_and_always_sets_a_ttl(
    redis_store: Any,
) -> None:
    store, prefix = redis_store
    assert await store.add("wechat:msg:1", {"n": "一"}, ttl=30)
    assert not await store.add("wechat:msg:1", 2, ttl=30)
    await store.set("token", "abc", ttl=60)
    raw = await store._client.get(f"{prefix}wechat:msg:1")
    assert raw == '{"n": "一"}'
    for key in ("wechat:msg:1", "token"):
        ttl = await store._client.pttl(f"{prefix}{key}")
        assert 0 < ttl <= 60_000
    assert await store.get("token") == "abc"
    await store.delete("token")
    assert await store.get("token") is None
    with pytest.raises(ValueError):
        await store.add("x", 1, ttl=-1)


async def test_redis_store_expires_keys(redis_store: Any) -> None:
    store, _ = redis_store
    await store.set("short", 1, ttl=0.05)
    await asyncio.sleep(0.15)
    assert await store.get("short") is None


async def test_create_store_follows_redis_url() -> None:
    assert isinstance(create_store(Settings.from_env({})), MemoryStore)
    store = create_store(Settings.from_env({"REDIS_URL": REDIS_URL}))
    assert isinstance(store, RedisStore)
    await store.close()


async def test_deployments_with_different_prefixes_share_no_connector_state(
    monkeypatch: Any,
) -> None:
    """docs/deploy.md: deployments may share one Redis with different KW_REDIS_PREFIX."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    prefixes = [f"kw:test-{uuid.uuid4().hex[:8]}:{name}:" for name in ("a", "b")]
    stores = []
    for prefix in prefixes:
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
        monkeypatch.setenv("KW_REDIS_PREFIX", prefix)
        get_settings.cache_clear()
        stores.append(create_store())  # as a connector builds it: from the settings
    try:
        assert await mark_once(stores[0], "wechat:msg:1", 60)
        assert await mark_once(stores[1], "wechat:msg:1", 60)  # not a duplicate there
        assert client.exists(f"{prefixes[0]}wechat:msg:1")
        assert client.exists(f"{prefixes[1]}wechat:msg:1")
    finally:
        for store, prefix in zip(stores, prefixes, strict=True):
            await store.close()
            for key in client.scan_iter(match=prefix + "*"):
                client.delete(key)


async def test_mark_once_lets_messages_through_when_the_store_fails(caplog: Any) -> None:
    unreachable = RedisStore.from_url("redis://127.0.0.1:9/0", socket_timeout=0.2)
    assert await mark_once(unreachable, "k", 10) is True
    assert "processing anyway" in caplog.text
    memory = MemoryStore()
    assert await mark_once(memory, "k", 10) and not await mark_once(memory, "k", 10)


# --- catalog and language ---------------------------------------------------------------------


def test_every_catalog_message_has_chinese_and_korean_in_their_own_scripts() -> None:
    messages = catalog.load_catalog()
    assert {"text_only", "busy", "waiting", "error", "welcome"} <= set(messages)
    for message_id, entry in messages.items():
        assert entry["zh"].strip() and entry["ko"].strip(), message_id
        if not message_id.startswith("lang_"):
            assert detect_language(entry["zh"]) == "zh", message_id
            assert detect_language(entry["ko"]) == "ko", message_id
    for _, payload in catalog.WELCOME_TOPICS:
        assert payload.startswith("/ask_")


def test_say_picks_the_language_or_both_and_fills_placeholders() -> None:
    assert catalog.say("location_request", "zh", label="沈阳站") == "导航 沈阳站"
    assert detect_language(catalog.say("busy", "ko")) == "ko"
    both = catalog.say("text_only", "en")
    assert "文字" in both and "텍스트" in both
    with pytest.raises(catalog.CatalogError):
        catalog.say("no_such_message", "zh")


def test_catalog_refuses_an_entry_without_korean(tmp_path: Path) -> None:
    broken = tmp_path / "messages.yml"
    broken.write_text("busy:\n  zh: 请稍候\n", encoding="utf-8")
    with pytest.raises(catalog.CatalogError):
        catalog.load_catalog(broken)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("ko", "ko"),
        ("ko-KR", "ko"),
        ("kr", "ko"),
        ("zh-hans", "zh"),
        ("zh_TW", "zh"),
        ("en", None),
        ("", None),
        (None, None),
    ],
)
def test_platform_language(code: str | None, expected: str | None) -> None:
    assert catalog.platform_language(code) == expected


async def test_language_memory_learns_from_the_latest_text_with_a_signal() -> None:
    memory = catalog.LanguageMemory(MemoryStore(), "wechat")
    assert await memory.recall("u", "zh") == "zh"
    assert await memory.learn("u", "푸드 페스티벌", "ok") == "ko"
    assert await memory.recall("u", "zh") == "ko"
    await memory.learn("u", "1", "好的，这是日程")
    assert await memory.recall("u", None) == "zh"


# --- bot messages -----------------------------------------------------------------------------


def test_parse_bot_message_reads_rasa_dicts() -> None:
    message = parse_bot_message(
        {
            "text": " 你好\x00\x1b ",
            "buttons": [
                {"title": "日程", "payload": "/ask_schedule"},
                {"title": "官网", "payload": "https://e.org", "type": "web_url"},
                {"title": ""},
                "junk",
            ],
            "custom": {
                "venue": {"lat": "41.8", "lon": 123.4, "title": "会展中心"},
                "cards": [
                    {"title": "美食节", "subtitle": "6月", "image_url": "https://e.org/a.jpg"},
                    {"no": "title"},
                ],
                "other": 1,
            },
            "image": "https://e.org/b.jpg",
            "timestamp": 1.0,
            "utter_action": "utter_x",
        }
    )
    assert message.text == "你好"
    assert [(b.title, b.payload, b.url) for b in message.buttons] == [
        ("日程", "/ask_schedule", ""),
        ("官网", "", "https://e.org"),
    ]
    assert message.venue == Venue(41.8, 123.4, "会展中心", "")
    assert [(c.title, c.description, c.image) for c in message.cards] == [
        ("美食节", "6月", "https://e.org/a.jpg")
    ]
    assert message.extra == {"other": 1} and not message.is_empty
    assert parse_bot_message({"custom": {"venue": {"lat": 200, "lon": 0}}}).is_empty
    assert (
        parse_bot_message({"text": None, "elements": [{"title": "卡片"}]}).cards[0].title == "卡片"
    )


@settings(max_examples=200, deadline=None)
@given(
    st.text(), st.integers(min_value=4, max_value=300), st.sampled_from([len, utf8_len, utf16_len])
)
def test_split_text_respects_the_limit_and_keeps_the_content(
    text: str, limit: int, measure: Any
) -> None:
    parts = split_text(text, limit, measure)
    assert all(0 < measure(part) <= limit for part in parts)
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    assert squeeze("".join(parts)) == squeeze(text)


def test_map_urls() -> None:
    venue = Venue(41.8057, 123.4315, "沈阳 展览&中心")
    assert map_url(venue, "amap").startswith(
        "https://uri.amap.com/marker?position=123.431500,41.805700&name=%E6%B2%88"
    )
    assert "%26" in map_url(venue, "amap")
    assert map_url(venue) == "https://www.google.com/maps/search/?api=1&query=41.805700,123.431500"


# --- runner -----------------------------------------------------------------------------------


def test_secrets_equal_and_metadata() -> None:
    assert secrets_equal("abc", "abc") and not secrets_equal("abd", "abc")
    assert not secrets_equal(None, "abc") and not secrets_equal("", "")
    assert build_metadata("telegram", 5, "ko", (1.5, 2.5)) == {
        "platform": "telegram",
        "user_id": "5",
        "default_language": "ko",
        "location": {"lat": 1.5, "lon": 2.5},
    }


def make_bot(delay: float, fail: bool = False) -> Any:
    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "第一"})
        await asyncio.sleep(delay)
        if fail:
            raise RuntimeError("rasa failed")
        await message.output_channel.send_response(message.sender_id, {"text": "第二"})

    return bot


async def run(delay: float, budget: float, fail: bool = False) -> tuple[Any, list, TaskKeeper]:
    late: list[tuple[list[BotMessage], BaseException | None]] = []

    async def deliver(messages: list[BotMessage], error: BaseException | None) -> None:
        late.append((messages, error))

    collector = CollectingOutput("wechat")
    keeper = TaskKeeper()
    message = UserMessage("hi", collector, "u", input_channel="wechat")
    outcome = await run_within_budget(
        make_bot(delay, fail), message, collector, budget, deliver, keeper
    )
    return outcome, late, keeper


async def test_runner_returns_replies_ready_within_the_budget() -> None:
    outcome, late, _ = await run(0.0, 1.0)
    assert outcome.finished and [m.text for m in outcome.messages] == ["第一", "第二"]
    assert outcome.error is None and not late


async def test_runner_hands_late_replies_to_the_callback_once_with_all_messages() -> None:
    outcome, late, keeper = await run(0.3, 0.05)
    assert not outcome.finished and not late
    assert await keeper.wait_idle(2)
    assert len(late) == 1 and [m.text for m in late[0][0]] == ["第一", "第二"]


async def test_runner_reports_errors_in_time_and_late() -> None:
    outcome, _, _ = await run(0.0, 1.0, fail=True)
    assert outcome.finished and isinstance(outcome.error, RuntimeError)
    outcome, late, keeper = await run(0.2, 0.05, fail=True)
    await keeper.wait_idle(2)
    assert isinstance(late[0][1], RuntimeError)


def test_collecting_output_is_named_after_the_platform() -> None:
    assert CollectingOutput("kakao").name() == "kakao"


# --- configuration ----------------------------------------------------------------------------


def test_config_helpers_fail_loudly() -> None:
    with pytest.raises(ChannelConfigError, match="set X_TOKEN"):
        required_str({"token": "  "}, "token", "X_TOKEN")
    with pytest.raises(ChannelConfigError):
        optional_float({"budget": "soon"}, "budget", 4.0, 0.1, 4.8)
    with pytest.raises(ChannelConfigError):
        optional_float({"budget": "9"}, "budget", 4.0, 0.1, 4.8)
    assert optional_float({"budget": ""}, "budget", 4.0, 0.1, 4.8) == 4.0


def template() -> dict:
    with open(ROOT / "credentials.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_credentials_template_registers_rest_and_the_three_connectors() -> None:
    data = template()
    assert "channels.rest.RestInput" in data
    for channel, required in generator.REQUIRED.items():
        assert channel in data
        referenced = {v for value in data[channel].values() for v in generator.variables(value)}
        assert set(required) <= referenced
    assert set(generator.REQUIRED) == {
        "channels.wechat.WeChatInput",
        "channels.kakao.KakaoInput",
        "channels.telegram.TelegramInput",
    }


def test_generator_enables_only_channels_whose_variables_are_set() -> None:
    env = {"KAKAO_SKILL_SECRET": "s", "TELEGRAM_TOKEN": "", "WECHAT_AES_KEY": "x"}
    credentials, notes = generator.effective_credentials(template(), env)
    assert set(credentials) == {"channels.rest.RestInput", "channels.kakao.KakaoInput"}
    assert credentials["channels.kakao.KakaoInput"] == {"skill_secret": "${KAKAO_SKILL_SECRET}"}
    assert any("skipped channels.telegram.TelegramInput" in n for n in notes)


def test_generator_refuses_a_partly_configured_channel() -> None:
    with pytest.raises(generator.IncompleteChannelError, match="TELEGRAM_SECRET_TOKEN"):
        generator.effective_credentials(template(), {"TELEGRAM_TOKEN": "1:a"})


def test_generated_file_loads_in_rasa_with_the_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from rasa.shared.utils.common import class_from_module_path
    from rasa.shared.utils.io import read_config_file

    env = {
        "WECHAT_TOKEN": "wx-token-9f8e7d",
        "WECHAT_APPID": "wx1",
        "WECHAT_APPSECRET": "sec",
        "WECHAT_REPLY_BUDGET": "3",
        "KAKAO_SKILL_SECRET": "kk",
        "TELEGRAM_TOKEN": "1:a",
        "TELEGRAM_SECRET_TOKEN": "tt",
    }
    for name in [n for n in os.environ if n.startswith(("WECHAT_", "KAKAO_", "TELEGRAM_"))]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    output = tmp_path / "credentials.effective.yml"
    assert (
        generator.main(["--template", str(ROOT / "credentials.yml"), "--output", str(output)]) == 0
    )
    assert "wx-token-9f8e7d" not in output.read_text(encoding="utf-8")
    # What rasa.core.run.create_http_input_channels does, without importing the whole server.
    loaded = read_config_file(str(output))
    assert set(loaded) == {"channels.rest.RestInput", *generator.REQUIRED}
    by_name = {}
    for path, section in loaded.items():
        channel = class_from_module_path(path).from_credentials(section)
        by_name[channel.name()] = channel
    assert set(by_name) == {"rest", "wechat", "kakao", "telegram"}
    assert by_name["wechat"].settings.token == "wx-token-9f8e7d"
    assert by_name["wechat"].settings.reply_budget == 3.0
    assert by_name["kakao"].settings.skill_secret == "kk"
    assert by_name["telegram"].settings.secret_token == "tt"
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "")
    assert (
        generator.main(["--template", str(ROOT / "credentials.yml"), "--output", str(output)]) == 2
    )


async def test_redis_store_fails_fast_after_a_failure() -> None:
    """A hung Redis costs one short timeout, then calls fail at once for the cool-down."""
    import socket
    import time as clock

    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from channels.common.store import RedisStore, StoreUnavailable

    silent = socket.socket()  # accepts connections, never answers: a frozen Redis
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    store = RedisStore.from_url(
        f"redis://127.0.0.1:{silent.getsockname()[1]}/0", socket_timeout=0.3
    )
    try:
        started = clock.monotonic()
        with pytest.raises((RedisTimeoutError, RedisConnectionError, OSError)):
            await store.get("a")
        first = clock.monotonic() - started
        started = clock.monotonic()
        for _ in range(4):
            with pytest.raises(StoreUnavailable):
                await store.get("a")
        assert first < 2.0 and clock.monotonic() - started < 0.1
    finally:
        await store.close()
        silent.close()
