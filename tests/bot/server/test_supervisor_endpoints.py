"""How `make run` (bot.server.supervisor) picks its endpoints: embedded, Redis or KW_ENDPOINTS."""

from __future__ import annotations

from pathlib import Path

from bot.redis_client import answers as redis_answers
from bot.server.rundir import RunFolder
from bot.server.supervisor import (
    EMBEDDED_ENDPOINTS,
    REDIS_ENDPOINTS,
    choose_endpoints,
    redis_location,
)
from bot.settings import Settings


def choose(env: dict[str, str], folder: RunFolder) -> tuple[Path, dict[str, str]]:
    return choose_endpoints(Settings.from_env(env), folder)


def test_without_redis_url_the_embedded_endpoints_are_used(tmp_path: Path) -> None:
    folder = RunFolder(tmp_path)
    assert choose({}, folder) == (Path("endpoints.yml"), {})
    assert choose({"REDIS_URL": "  "}, folder) == (Path("endpoints.yml"), {})


def test_with_redis_url_the_redis_endpoints_get_their_variables(tmp_path: Path) -> None:
    folder = RunFolder(tmp_path)
    path, extra = choose(
        {"REDIS_URL": "redis://127.0.0.1:6379/0", "KW_ACTIONS_PORT": "5056"}, folder
    )
    assert path == REDIS_ENDPOINTS == Path("endpoints.redis.yml")
    assert extra == {"KW_ACTION_URL": "http://127.0.0.1:5056/webhook", "KW_REDIS_PREFIX": "kw:"}
    environ = {"REDIS_URL": "redis://r/0", "KW_ACTION_URL": "http://actions:5055/webhook"}
    assert choose(environ, folder)[1] == {
        "KW_ACTION_URL": "http://actions:5055/webhook",
        "KW_REDIS_PREFIX": "kw:",
    }


def test_kw_endpoints_wins(tmp_path: Path) -> None:
    environ = {"REDIS_URL": "redis://r/0", "KW_ENDPOINTS": "mine.yml"}
    assert choose(environ, RunFolder(tmp_path)) == (Path("mine.yml"), {})


def test_printed_redis_location_hides_the_password() -> None:
    assert redis_location("redis://:s3cret@redis:6380/2") == "redis://redis:6380/2"
    assert redis_location("redis://127.0.0.1") == "redis://127.0.0.1:6379/0"


def test_redis_answers() -> None:
    assert redis_answers("redis://127.0.0.1:6379/0")
    assert not redis_answers("redis://127.0.0.1:1/0")
    assert not redis_answers("not a url")


def test_embedded_mode_follows_a_moved_action_server(tmp_path: Path) -> None:
    folder = RunFolder(tmp_path)
    path, extra = choose({"KW_ACTIONS_PORT": "5155"}, folder)
    assert extra == {} and path.parent == tmp_path
    assert "127.0.0.1:5155/webhook" in path.read_text(encoding="utf-8")
    assert choose({}, folder)[0] == EMBEDDED_ENDPOINTS


def test_each_run_writes_into_a_folder_of_its_own(tmp_path: Path) -> None:
    first = RunFolder.create(tmp_path, pid=1)  # pid 1 is alive: its folder is kept
    dead = tmp_path / "999999999"
    dead.mkdir()
    with RunFolder.create(tmp_path) as second:
        assert first.path != second.path and first.path.is_dir()
        assert not dead.exists()  # a dead run's folder is cleaned up
        second.write("credentials.yml", "rest:\n")
    assert not second.path.exists()
