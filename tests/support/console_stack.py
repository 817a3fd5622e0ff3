"""The assistant and console running together, and what a browser test does with them.

``start_stack`` runs ``python -m bot.server`` (as ``make run`` does: the Rasa
server, the action server and the staff console) in embedded mode with its own
content folder and accounts; ``rest`` asks the running bot through its REST
channel. The rest drives a Selenium browser: ``find`` waits for an element,
``sign_in``, ``set_text``, ``shot`` saves a screenshot under results/console/,
``page_weight`` counts the bytes a page took.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from harness.ports import free_port
from harness.project import ROOT
from tests.support.browser import DESKTOP, PHONE, screenshot
from tests.support.console import PASSWORD, add_accounts, console_env
from tests.support.content import shipped_texts, write_content

SHOTS = ROOT / "results" / "console"


@dataclass
class Stack:
    """The running assistant and console."""

    process: subprocess.Popen
    rasa_port: int
    console_port: int
    folder: Path
    log: Path

    @property
    def console(self) -> str:
        """The console's base URL."""
        return f"http://127.0.0.1:{self.console_port}"


def start_stack(folder: Path) -> Stack:
    """Starts ``python -m bot.server`` (assistant and console) on free ports with its own folder.

    Args:
        folder: Where its content, state, accounts and log go.
    """
    write_content(folder / "content", shipped_texts())
    rasa_port, console_port = free_port(), free_port()
    env = console_env(
        folder,
        {
            "KW_PORT": str(rasa_port),
            "KW_ACTIONS_PORT": str(free_port()),
            "KW_CONSOLE_PORT": str(console_port),
            "KW_RUN_DIR": str(folder / "run"),
            "KW_RATE_LIMIT": "off",
            "KW_USAGE_FLUSH": "0.5",
        },
    )
    add_accounts(env)
    log = folder / "run.log"
    with open(log, "w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.server"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Stack(process, rasa_port, console_port, folder, log)
    deadline = time.monotonic() + 300
    while "console:" not in log.read_text(encoding="utf-8"):
        assert process.poll() is None and time.monotonic() < deadline, log.read_text(
            encoding="utf-8"
        )
        time.sleep(0.5)
    return running


def stop_stack(stack: Stack) -> None:
    """Stops every process of the stack."""
    os.killpg(stack.process.pid, signal.SIGTERM)
    stack.process.wait(30)


def rest(stack: Stack, text: str, sender: str) -> str:
    """Asks through the REST channel; returns the reply texts joined."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"http://127.0.0.1:{stack.rasa_port}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return "\n".join(m.get("text", "") for m in json.loads(reply.read()))


def answer_changes(stack: Stack, text: str, wanted, limit: float = 10.0) -> float:  # noqa: ANN001
    """Seconds until the REST answer to ``text`` satisfies ``wanted`` (asks every 0.1 s)."""
    started = time.monotonic()
    number = 0
    while time.monotonic() - started < limit:
        number += 1
        if wanted(rest(stack, text, f"poll-{time.time_ns()}-{number}")):
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"the answer to {text!r} did not change within {limit} s")


def find(driver, css: str, timeout: float = 10.0):  # noqa: ANN001, ANN201
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.visibility_of_element_located(("css selector", css))
    )


def shot(driver, name: str, size: tuple[int, int] = DESKTOP, top: str = "") -> None:  # noqa: ANN001
    """A screenshot into results/console/<name>-<zh|ko>[-phone].png, from ``top`` if given."""
    lang = driver.find_element("css selector", "html").get_attribute("lang")[:2]
    screenshot(
        driver,
        SHOTS / f"{name}-{'ko' if lang == 'ko' else 'zh'}{'-phone' if size == PHONE else ''}.png",
        size,
        top,
    )


def sign_in(driver, stack: Stack, name: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    driver.get(stack.console + "/login")
    find(driver, "#username").send_keys(name)
    driver.find_element("id", "password").send_keys(password)
    button = driver.find_element("id", "sign-in")
    button.click()
    wait_for_next_page(driver, button)


def wait_for_next_page(driver, element, timeout: float = 10.0) -> None:  # noqa: ANN001
    """Waits until ``element``'s page has been replaced, so no later ``get`` cancels its form.

    Chromium reports an element of a page being replaced either as stale or as a
    node that "does not belong to the document"; both mean the page is gone.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def gone(_driver) -> bool:  # noqa: ANN001
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, timeout).until(gone)


def set_text(driver, element_id: str, text: str) -> None:  # noqa: ANN001
    field = find(driver, f"#{element_id}")
    field.clear()
    if text:
        field.send_keys(text)


def page_weight(driver) -> int:  # noqa: ANN001
    """Bytes the page and its resources took (decoded sizes: nothing is cached or compressed)."""
    return int(
        driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "return n.decodedBodySize + performance.getEntriesByType('resource')"
            ".reduce((s, r) => s + r.decodedBodySize, 0);"
        )
    )
