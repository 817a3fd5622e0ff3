"""HTTP-level security of the staff console, against a real `python -m console` process.

Without a session every page redirects to /login and every API answers 401; a
POST without the CSRF token gets 403; failed logins are slowed, then locked per
account and per address; responses carry a strict CSP and safe cookies; stored
``<script>`` is shown as text; no URL reaches the filesystem.
"""

from __future__ import annotations

import json
import time

import pytest

from bot.settings import Settings
from console.app import create_app
from console.services import build_services
from tests.support.console import PASSWORD, Browser, ConsoleServer

pytestmark = pytest.mark.slow

SCRIPT = "<script>window.kwHacked=1</script>"


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    server = ConsoleServer(
        tmp_path_factory.mktemp("console"),
        {
            "KW_LOGIN_SLOW_AFTER": "2",
            "KW_LOGIN_LOCK_AFTER": "3",
            "KW_LOGIN_LOCK_ADDRESS_AFTER": "5",
            "KW_CONSOLE_PROXIES": "1",
        },
    ).start()
    yield server
    server.stop()


def _routes() -> list[tuple[str, str]]:
    """Every route of the app as (method, sample path)."""
    app = create_app(build_services(Settings.from_env({"KW_STATE_DIR": "/nonexistent"})))
    samples = {
        "<section_name>": "faq",
        "<record_id>": "wifi",
        "<version>": "abcd1234",
        "<key>": "0123456789abcdef",
        "<name>": "ada",
        "<what>": "disable",
    }
    found = set()
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        for key, value in samples.items():
            path = path.replace(key, value)
        for method in route.methods:
            found.add((method, path))
    return sorted(found)


def test_without_a_session_pages_redirect_to_login_and_apis_answer_401(console) -> None:
    anonymous = Browser(console.url)
    routes = _routes()
    assert ("POST", "/api/preview") in routes and ("GET", "/dashboard.csv") in routes
    for method, path in routes:
        if path.startswith("/static") or path in ("/login", "/healthz"):
            continue
        reply = anonymous.request(method, path, b"" if method == "POST" else None)
        if path.startswith("/api/"):
            assert reply.status == 401, (method, path, reply.status)
        else:
            assert (reply.status, reply.location) == (303, "/login"), (method, path, reply.status)


def test_a_post_without_the_csrf_token_gets_403(console) -> None:
    browser = Browser(console.url)
    browser.get("/login")
    assert (
        browser.post("/login", {"username": "ada", "password": PASSWORD}, csrf=False).status == 403
    )
    assert browser.login("ada").status == 200
    assert browser.post("/publish", {"message": "x"}, csrf=False, follow=False).status == 403
    api = browser.request(
        "POST",
        "/api/preview",
        json.dumps({"text": "hi"}).encode(),
        {"Content-Type": "application/json"},
    )
    assert api.status == 403
    forged = browser.post(
        "/publish", {"message": "x", "csrf_token": "forged"}, csrf=False, follow=False
    )
    assert forged.status == 403


def test_headers_and_cookies(console) -> None:
    browser = Browser(console.url)
    reply = browser.request("GET", "/login")
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert (
        reply.headers["x-frame-options"] == "DENY"
        and reply.headers["x-content-type-options"] == "nosniff"
    )
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    behind_tls = Browser(console.url).request(
        "GET", "/login", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert "Secure" in behind_tls.headers.get("set-cookie", "")
    assert (
        "script-src"
        in browser.request("GET", "/static/console.css").headers["content-security-policy"]
    )


def test_stored_script_is_shown_as_text(console) -> None:
    browser = Browser(console.url)
    browser.login("ada")
    page = browser.get("/content/faq/wifi")
    assert page.status == 200
    form = {
        "id": "wifi",
        "topic": "facilities",
        "questions.zh": "有免费WiFi吗？\n无线网密码是多少\n现场怎么上网",
        "questions.ko": "무료 와이파이 있나요?\n와이파이 비밀번호가 뭐예요?\n"
        "현장에서 인터넷 어떻게 써요?",
        "answer.zh": SCRIPT + "有的",
        "answer.ko": SCRIPT + "있어요",
    }
    saved = browser.post("/content/faq/wifi", form)
    assert saved.status == 200, saved.text[:500]
    assert (
        SCRIPT not in saved.text
        and "&lt;script&gt;window.kwHacked=1&lt;/script&gt;有的" in saved.text
    )
    publish = browser.get("/publish")
    assert SCRIPT not in publish.text and "&lt;script&gt;" in publish.text
    assert "<script" not in publish.text.replace(
        '<script src="/static/console.js" defer></script>', ""
    )
    browser.post("/draft/discard", {})


def test_no_path_from_a_url_reaches_the_filesystem(console) -> None:
    browser = Browser(console.url)
    browser.login("ada")
    for path in (
        "/content/..%2F..%2Fetc/passwd",
        "/content/%2e%2e/wifi",
        "/static/../bot/settings.py",
        "/static/..%2F..%2Fpyproject.toml",
        "/history/..%2F..%2Fetc%2Fpasswd/diff",
    ):
        reply = browser.request("GET", path)
        assert reply.status == 404, (path, reply.status)
        assert "root:" not in reply.text and "[tool" not in reply.text


def test_an_editor_cannot_publish_or_roll_back_or_manage_accounts(console) -> None:
    editor = Browser(console.url)
    editor.login("eddie")
    assert editor.post("/publish", {"message": "mine"}, follow=False).status == 403
    assert editor.get("/history/abcd1234/rollback").status == 403
    assert (
        editor.post("/accounts", {"username": "x", "role": "admin", "password": PASSWORD}).status
        == 403
    )
    assert editor.get("/publish").status == 200


def test_failed_logins_are_slowed_then_locked_per_account_and_address(console) -> None:
    browser = Browser(console.url)
    browser.get("/login")
    waits = []
    for _ in range(3):
        started = time.monotonic()
        assert (
            browser.post("/login", {"username": "pia", "password": "wrong password"}).status == 401
        )
        waits.append(time.monotonic() - started)
    assert waits[0] < 0.9 and waits[1] < 0.9 and waits[2] >= 1.0, waits
    locked = browser.post("/login", {"username": "pia", "password": PASSWORD})
    assert locked.status == 429 and "pia" not in str(browser.jar)
    for name in ("x1", "x2"):
        assert (
            browser.post("/login", {"username": name, "password": "nope nope nope"}).status == 401
        )
    assert browser.post("/login", {"username": "ada", "password": PASSWORD}).status == 429
    audit = [
        line
        for line in (console.folder / "var" / "console" / "audit.jsonl")
        .read_text("utf-8")
        .splitlines()
    ]
    assert sum('"login.failed"' in line for line in audit) >= 5 and any(
        '"login.locked"' in line for line in audit
    )
