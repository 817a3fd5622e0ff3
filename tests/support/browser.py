"""A real headless Chromium for the console's browser tests (Debian's chromium + chromium-driver).

Selenium is pointed at /usr/bin/chromedriver and /usr/bin/chromium explicitly, so
Selenium Manager never tries to download a driver; each browser gets a fresh
profile folder and no background networking.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DESKTOP = (1280, 900)
PHONE = (390, 844)


def available() -> str | None:
    """Why a browser cannot be started here, or None when it can."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    return (
        f"missing {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if missing
        else None
    )


def start_chromium(size: tuple[int, int] = DESKTOP, language: str = "zh-CN"):  # noqa: ANN201
    """A headless Chromium driven by Selenium; call ``quit_chromium`` to end it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kw-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--lang={language}",
        f"--window-size={size[0]},{size[1]}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.kw_profile = profile
    driver.set_page_load_timeout(60)
    return driver


def quit_chromium(driver) -> None:  # noqa: ANN001
    """Ends the browser and removes its profile."""
    try:
        driver.quit()
    finally:
        shutil.rmtree(getattr(driver, "kw_profile", ""), ignore_errors=True)


def screenshot(  # noqa: ANN001
    driver, path: Path, size: tuple[int, int] = DESKTOP, top: str = ""
) -> Path:
    """Saves a PNG of the page (at most 4000 pixels high) through the DevTools protocol.

    Args:
        driver: The browser.
        path: Where the PNG goes.
        size: The window size (the width of the picture).
        top: A CSS selector: the picture starts at that element (default: the page's top).
    """
    import base64

    path.parent.mkdir(parents=True, exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    content = metrics.get("cssContentSize") or metrics["contentSize"]
    start = 0
    if top:
        script = "return arguments[0].getBoundingClientRect().top + window.scrollY - 8"
        start = max(0, int(driver.execute_script(script, driver.find_element("css selector", top))))
    height = min(content["height"] - start, 4000)
    clip = {"x": 0, "y": start, "width": size[0], "height": height, "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
