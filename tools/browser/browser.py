"""Headless Chromium for the browser tests (Debian's chromium and chromium-driver, selenium).

    from browser import open_browser, screenshot, tab_until, wait_for

    with open_browser(1280, 800) as driver:
        driver.get("http://127.0.0.1:8080/")
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        field = tab_until(driver, lambda el: el.get_attribute("id") == "search", 20)
        screenshot(driver, "/tmp/overview-1280.png", 1280)

The driver is always /usr/bin/chromedriver, given to selenium explicitly, so Selenium Manager is
never run (it would try to download a driver: the machines have no internet). Install both with
tools/browser/install.sh.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from collections.abc import Callable
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class Chromium(webdriver.Chrome):
    """A Chrome WebDriver whose quit() also removes the temporary profile directory."""

    def __init__(self, *, profile_dir: str, **kwargs: Any) -> None:
        self.profile_dir = profile_dir
        super().__init__(**kwargs)

    def quit(self) -> None:
        try:
            super().quit()
        finally:
            shutil.rmtree(self.profile_dir, ignore_errors=True)


def chromium_options(width: int, height: int, profile_dir: str) -> Options:
    options = Options()
    options.binary_location = CHROMIUM
    options.add_argument("--headless=new")
    if os.geteuid() == 0:
        # Chromium refuses to start as root with its sandbox on.
        options.add_argument("--no-sandbox")
    options.add_argument("--disable-gpu")
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={profile_dir}")
    return options


def open_browser(width: int = 1280, height: int = 800) -> Chromium:
    """Starts headless Chromium with a fresh profile in a temporary directory (removed by quit()).

    Usable as a context manager: `with open_browser(1280, 800) as driver: ...` quits at the end.
    """
    profile_dir = tempfile.mkdtemp(prefix="gm-chromium-profile-")
    try:
        if not os.access(CHROMEDRIVER, os.X_OK):
            raise FileNotFoundError(f"{CHROMEDRIVER} not found: run tools/browser/install.sh .venv")
        service = Service(executable_path=CHROMEDRIVER)
        return Chromium(
            profile_dir=profile_dir,
            service=service,
            options=chromium_options(width, height, profile_dir),
        )
    except BaseException:
        shutil.rmtree(profile_dir, ignore_errors=True)
        raise


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def set_viewport_size(driver: webdriver.Chrome, width: int, height: int) -> None:
    """Sets the window size so that the viewport (what a screenshot captures) is width x height."""
    driver.set_window_size(width, height)
    inner_w, inner_h = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if (inner_w, inner_h) != (width, height):
        driver.set_window_size(width + (width - inner_w), height + (height - inner_h))


def screenshot(driver: webdriver.Chrome, path: str, width: int) -> tuple[int, int]:
    """Saves a full-page PNG of the current page rendered at the given viewport width.

    Sets the window to `width`, measures the page's full height at that width, grows the window
    to it, captures, and puts the window back. Returns the PNG's (width, height) in pixels.
    """
    original = driver.get_window_size()
    try:
        set_viewport_size(driver, width, original["height"])
        full_height = driver.execute_script(
            "const d = document.documentElement, b = document.body;"
            "return Math.max(d.scrollHeight, d.offsetHeight, b ? b.scrollHeight : 0,"
            " b ? b.offsetHeight : 0, 1);"
        )
        set_viewport_size(driver, width, int(full_height))
        driver.execute_script("window.scrollTo(0, 0)")
        data = driver.get_screenshot_as_png()
    finally:
        driver.set_window_size(original["width"], original["height"])
    with open(path, "wb") as f:
        f.write(data)
    return png_size(data)


def tab_until(
    driver: webdriver.Chrome, predicate: Callable[[WebElement], bool], max_tabs: int
) -> WebElement:
    """Presses Tab (a real key press) until predicate(focused element) holds; returns that element.

    Raises LookupError after max_tabs presses, naming the elements that were focused on the way.
    """
    seen: list[str] = []
    for _ in range(max_tabs):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        element = driver.switch_to.active_element
        if predicate(element):
            return element
        seen.append(describe(driver, element))
    raise LookupError(f"no focused element matched after {max_tabs} Tab presses; focused: {seen}")


def describe(driver: webdriver.Chrome, element: WebElement) -> str:
    return driver.execute_script(
        "const e = arguments[0]; let s = e.tagName.toLowerCase();"
        "if (e.id) s += '#' + e.id; return s;",
        element,
    )


def wait_for(driver: webdriver.Chrome, condition: Callable[[webdriver.Chrome], Any], timeout: float) -> Any:
    """Waits until condition(driver) is truthy and returns its value; TimeoutException after `timeout` s."""
    return WebDriverWait(driver, timeout).until(condition)
