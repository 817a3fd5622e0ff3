"""How `make run` (bot.run) picks its endpoints file: embedded, Redis mode, or KW_ENDPOINTS."""

from __future__ import annotations

from bot.run import REDIS_ENDPOINTS, choose_endpoints, redis_answers, redis_location


def test_without_redis_url_the_embedded_endpoints_are_used() -> None:
    assert choose_endpoints({}, "5055") == ("endpoints.yml", {})
    assert choose_endpoints({"REDIS_URL": "  "}, "5055") == ("endpoints.yml", {})


def test_with_redis_url_the_redis_endpoints_get_their_variables() -> None:
    path, extra = choose_endpoints({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "5056")
    assert path == REDIS_ENDPOINTS == "endpoints.redis.yml"
    assert extra == {"KW_ACTION_URL": "http://127.0.0.1:5056/webhook", "KW_REDIS_PREFIX": "kw:"}
    environ = {"REDIS_URL": "redis://r/0", "KW_ACTION_URL": "http://actions:5055/webhook"}
    assert choose_endpoints(environ, "5055")[1] == {"KW_REDIS_PREFIX": "kw:"}


def test_kw_endpoints_wins() -> None:
    environ = {"REDIS_URL": "redis://r/0", "KW_ENDPOINTS": "mine.yml"}
    assert choose_endpoints(environ, "5055") == ("mine.yml", {})


def test_printed_redis_location_hides_the_password() -> None:
    assert redis_location("redis://:s3cret@redis:6380/2") == "redis://redis:6380/2"
    assert redis_location("redis://127.0.0.1") == "redis://127.0.0.1:6379/0"


def test_redis_answers() -> None:
    assert redis_answers("redis://127.0.0.1:6379/0")
    assert not redis_answers("redis://127.0.0.1:1/0")
    assert not redis_answers("not a url")


def test_embedded_mode_follows_a_moved_action_server(tmp_path, monkeypatch) -> None:
    import bot.run as run_module

    monkeypatch.setattr(run_module, "EFFECTIVE_ENDPOINTS", tmp_path / "endpoints.effective.yml")
    path, extra = run_module.choose_endpoints({}, "5155")
    assert extra == {} and "127.0.0.1:5155/webhook" in open(path, encoding="utf-8").read()
    assert run_module.choose_endpoints({}, "5055")[0] == run_module.EMBEDDED_ENDPOINTS
