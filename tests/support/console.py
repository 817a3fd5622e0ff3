"""The staff console for tests: a real `python -m console` process and a small HTTP client.

``ConsoleServer`` starts the console on a free 127.0.0.1 port with its own
content folder and state folder (embedded mode) or a Redis prefix, after
creating accounts with ``bot staff add``. ``Browser`` is a cookie-keeping HTTP
client that reads the CSRF token from each page, the way a browser's forms do.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

from harness.ports import free_port
from harness.project import FIXED_NOW, ROOT
from tests.support.content import shipped_texts, write_content

PASSWORD = "correct horse battery"
ACCOUNTS = (("ada", "admin"), ("pia", "publisher"), ("eddie", "editor"))
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def console_env(folder: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a test console (and of the bot beside it): its own folders."""
    env = {
        **os.environ,
        "KW_CONTENT_DIR": str(folder / "content"),
        "KW_STATE_DIR": str(folder / "var"),
        "KW_UNANSWERED_FILE": str(folder / "var" / "unanswered.jsonl"),
        "KW_NOW": FIXED_NOW,
        "KW_LOG_LEVEL": "WARNING",
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("REDIS_URL", None)
    env.update(extra or {})
    return env


def add_accounts(env: dict[str, str]) -> None:
    """Creates the test accounts (admin, publisher, editor) with ``bot staff add``."""
    for name, role in ACCOUNTS:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "staff",
                "add",
                name,
                "--role",
                role,
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr


@dataclass
class ConsoleServer:
    """A console process; ``stop()`` ends it."""

    folder: Path
    extra: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """Its environment."""
        return console_env(self.folder, {"KW_CONSOLE_PORT": str(self.port), **self.extra})

    def start(self, accounts: bool = True) -> ConsoleServer:
        """Writes the content, creates the accounts, starts and waits for it."""
        if not (self.folder / "content").exists():
            write_content(self.folder / "content", shipped_texts())
        if accounts:
            add_accounts(self.env)
        log = open(self.folder / "console.log", "w", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "console"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError(f"the console did not start:\n{self.log()}")

    def log(self) -> str:
        """What it printed."""
        return (self.folder / "console.log").read_text(encoding="utf-8")

    def stop(self) -> None:
        """Stops it."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: D102, ANN002, ANN003
        return None


@dataclass
class Reply:
    """A response: status, headers, text."""

    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        """The redirect target."""
        return self.headers.get("location", "")


class Browser:
    """Keeps cookies and the last page's CSRF token; does not follow redirects by itself."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.csrf = ""
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self,
        method: str,
        path: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One request; remembers the CSRF token of an HTML page."""
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers or {}
        )
        try:
            with self._opener.open(request, timeout=120) as reply:
                status, head, body = reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as error:
            status, head, body = error.code, dict(error.headers), error.read()
        text = body.decode("utf-8", errors="replace")
        found = _CSRF.search(text)
        if found:
            self.csrf = html.unescape(found.group(1))
        return Reply(status, {k.lower(): v for k, v in head.items()}, text)

    def get(self, path: str) -> Reply:
        """GET, following redirects within the console."""
        reply = self.request("GET", path)
        while reply.status in (302, 303) and reply.location.startswith("/"):
            reply = self.request("GET", reply.location)
        return reply

    def post(
        self, path: str, fields: dict[str, str | list[str]], csrf: bool = True, follow: bool = True
    ) -> Reply:
        """POSTs a form (with the CSRF token unless told not to)."""
        pairs = [
            (k, v)
            for k, values in fields.items()
            for v in ([values] if isinstance(values, str) else values)
        ]
        if csrf:
            pairs.append(("csrf_token", self.csrf))
        data = urllib.parse.urlencode(pairs).encode("utf-8")
        reply = self.request(
            "POST", path, data, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if follow and reply.status in (302, 303) and reply.location.startswith("/"):
            return self.get(reply.location)
        return reply

    def login(self, name: str, password: str = PASSWORD) -> Reply:
        """Opens /login and signs in."""
        self.get("/login")
        return self.post("/login", {"username": name, "password": password})
