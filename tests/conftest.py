"""Fixtures for every test: isolated storage, fresh settings, the content, the model, Redis.

Helpers that tests import live in ``tests.support``; fixtures live here, where
pytest finds them without an import.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest

from harness.project import FIXED_NOW, MODEL, ROOT
from tests.support.redis import REDIS_URL


@pytest.fixture(scope="session", autouse=True)
def isolated_storage(tmp_path_factory: pytest.TempPathFactory):
    """Keeps the tests' records (unanswered questions, content history, accounts) out of var/.

    Also keeps them out of a shell's REDIS_URL.

    Tests that use Redis set REDIS_URL and a random KW_REDIS_PREFIX themselves.
    """
    import os

    from bot.settings import get_settings

    names = ("REDIS_URL", "KW_REDIS_PREFIX", "KW_UNANSWERED_FILE", "KW_STATE_DIR")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("KW_REDIS_PREFIX", None)
    os.environ["KW_UNANSWERED_FILE"] = str(tmp_path_factory.mktemp("var") / "unanswered.jsonl")
    os.environ["KW_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    get_settings.cache_clear()
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def fresh_settings():
    """Each test reads the settings from its own environment (monkeypatched or not)."""
    from bot.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def fresh_turn_records():
    """Each test starts with no turn records in this process (fixtures reuse message ids)."""
    from bot.server.replay import MEMORY_LEDGER

    MEMORY_LEDGER.clear()
    yield
    MEMORY_LEDGER.clear()


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """Pins the actions' clock (KW_NOW) and content folder for one test."""
    from bot.settings import get_settings

    monkeypatch.setenv("KW_NOW", FIXED_NOW)
    monkeypatch.setenv("KW_CONTENT_DIR", str(ROOT / "content"))
    get_settings.cache_clear()
    yield FIXED_NOW
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def content():
    """The shipped content, loaded once."""
    from bot.content import load_content

    return load_content(ROOT / "content")


@pytest.fixture(scope="session")
def agent():
    """The trained model with in-memory stores and in-process actions (see bot.server.inprocess)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model` (make test does it first)")
    import os

    os.environ.setdefault("KW_NOW", FIXED_NOW)
    from bot.server.inprocess import load_agent
    from bot.settings import get_settings

    get_settings.cache_clear()
    # pytest-asyncio 0.21 closes the policy's current loop before each async test,
    # and a library may have made this one current: it is closed only at the end.
    loop = asyncio.SelectorEventLoop()
    close = loop.close
    loop.close = lambda: None  # type: ignore[method-assign]
    loaded = loop.run_until_complete(load_agent(MODEL))
    yield loaded, loop
    close()


@pytest.fixture
def redis_client():
    """A client of the local Redis; the test fails (not skips) when Redis is not running."""
    from redis.exceptions import RedisError

    from bot.redis_client import connect

    client = connect(REDIS_URL, timeout=2.0)
    try:
        client.ping()
    except RedisError as error:
        pytest.fail(f"these tests need Redis on 127.0.0.1:6379 ({error})")
    yield client
    client.close()


@pytest.fixture
def redis_prefix(redis_client) -> Iterator[str]:
    """A random key prefix for one test; its keys are deleted afterwards."""
    prefix = f"kw:test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def redis_env(monkeypatch: pytest.MonkeyPatch, redis_prefix: str) -> Iterator[str]:
    """Redis mode for the actions: REDIS_URL and a random KW_REDIS_PREFIX; providers reset."""
    from actions.content import reset_providers
    from bot.settings import get_settings

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("KW_REDIS_PREFIX", redis_prefix)
    get_settings.cache_clear()
    reset_providers()
    yield redis_prefix
    reset_providers()
    get_settings.cache_clear()
