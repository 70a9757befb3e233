"""The browser harness and the accessibility rules, on the fixtures in tools/browser/fixtures.

    .venv/bin/python -m unittest discover -s tools/browser -p 'test_*.py' -v

Needs tools/browser/install.sh .venv (Debian chromium + chromium-driver, selenium).
"""

from __future__ import annotations

import os
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.selenium_manager import SeleniumManager  # noqa: E402

import a11y  # noqa: E402
import browser  # noqa: E402

FIXTURES = HERE / "fixtures"


def offending_ids(violations: list[dict[str, str]]) -> set[str]:
    """The id of each violation's element ("main#content > p#low "text"" -> "low")."""
    ids = set()
    for v in violations:
        last = v["element"].split(' "')[0].split(" > ")[-1]
        ids.add(last.split("#", 1)[1] if "#" in last else last)
    return ids


class BrowserCase(unittest.TestCase):
    driver: browser.Chromium

    @classmethod
    def setUpClass(cls) -> None:
        cls.driver = browser.open_browser(1280, 800)
        cls.addClassCleanup(cls.driver.quit)

    def load(self, name: str) -> None:
        self.driver.get((FIXTURES / name).as_uri())
        browser.wait_for(self.driver, lambda d: d.execute_script("return document.readyState") == "complete", 10)

    def check(self, name: str) -> dict[str, list[dict[str, str]]]:
        self.load(name)
        result = a11y.check_page(self.driver)
        self.assertEqual(set(result), set(a11y.RULES) | {a11y.UNVERIFIABLE})
        for rule, violations in result.items():
            for v in violations:
                self.assertEqual(set(v), {"rule", "element", "details"}, v)
                self.assertEqual(v["rule"], a11y.TEXT_CONTRAST if rule == a11y.UNVERIFIABLE else rule, v)
                self.assertTrue(v["element"] and v["details"], v)
        return result

    def assert_only(self, result: dict[str, list[dict[str, str]]], rule: str) -> list[dict[str, str]]:
        """The violations of `rule`, after checking that no other rule has any (nor unverifiable)."""
        for other, violations in result.items():
            if other != rule:
                self.assertEqual(violations, [], f"{other} should have nothing here")
        self.assertNotEqual(result[rule], [], f"{rule} found nothing")
        return result[rule]


class FixtureTests(BrowserCase):
    def test_good_passes_every_rule(self) -> None:
        result = self.check("good.html")
        for rule, violations in result.items():
            self.assertEqual(violations, [], rule)

    def test_bad_name_reports_each_unnamed_control(self) -> None:
        violations = self.assert_only(self.check("bad-name.html"), a11y.FORM_CONTROL_NAME)
        self.assertEqual(
            offending_ids(violations),
            {
                "unlabelled",
                "placeholder-only",
                "wrapped-select",
                "broken-labelledby",
                "blank-aria-label",
                "empty-button",
                "valueless-button",
            },
        )
        by_id = {offending_ids([v]).pop(): v["details"] for v in violations}
        self.assertIn('aria-labelledby="no-such-id"', by_id["broken-labelledby"])

    def test_bad_contrast_reports_each_low_contrast_text(self) -> None:
        violations = self.assert_only(self.check("bad-contrast.html"), a11y.TEXT_CONTRAST)
        self.assertEqual(
            offending_ids(violations),
            {
                "grey-999",
                "grey-777",
                "large-aaa",
                "not-bold-19",
                "translucent-text",
                "faded-by-opacity",
                "dark-on-dark",
                "white-on-half-black",
            },
        )
        by_id = {offending_ids([v]).pop(): v["details"] for v in violations}
        self.assertIn("2.85:1 < 4.5:1", by_id["grey-999"])
        self.assertIn("4.48:1 < 4.5:1", by_id["grey-777"])
        self.assertIn("2.32:1 < 3:1 (large text", by_id["large-aaa"])

    def test_text_over_a_background_image_is_unverifiable_not_a_pass(self) -> None:
        result = self.check("unverifiable-contrast.html")
        for rule in a11y.RULES:
            self.assertEqual(result[rule], [], rule)
        self.assertEqual(offending_ids(result[a11y.UNVERIFIABLE]), {"over-image"})
        self.assertIn("background image", result[a11y.UNVERIFIABLE][0]["details"])

    def test_bad_landmarks_reports_no_banner_and_no_main(self) -> None:
        violations = self.assert_only(self.check("bad-landmarks.html"), a11y.LANDMARKS)
        self.assertEqual([v["element"] for v in violations], ["document", "document"])
        details = " | ".join(v["details"] for v in violations)
        self.assertIn("no banner landmark", details)
        self.assertIn("no main landmark", details)
        self.assertNotIn("navigation", details)

    def test_two_mains_are_reported_a_hidden_one_is_not(self) -> None:
        violations = self.assert_only(self.check("bad-landmarks-two-mains.html"), a11y.LANDMARKS)
        self.assertEqual(offending_ids(violations), {"first-main", "second-main"})
        self.assertIn("2 main landmarks", violations[0]["details"])

    def test_bad_focus_reports_each_element_without_indicator(self) -> None:
        violations = self.assert_only(self.check("bad-focus.html"), a11y.FOCUS_VISIBLE)
        self.assertEqual(
            offending_ids(violations),
            {"no-ring", "outline-zero", "transparent-outline", "same-as-unfocused"},
        )

    def test_tab_stops_walk_the_whole_page_in_tab_order(self) -> None:
        self.load("good.html")
        stops = a11y.tab_stops(self.driver)
        self.assertEqual(
            [offending_ids([s]).pop() for s in stops],
            ["nav-overview", "nav-players", "game", "region", "search", "period", "note", "live", "apply"]
            + ["reset", "close", "more"],
        )
        self.assertTrue(all(s["visible"] for s in stops), stops)

    def test_a_focus_trap_is_reported(self) -> None:
        self.load("good.html")
        violations = a11y.focus_visible(self.driver, max_tabs=3)
        self.assertEqual([v["element"] for v in violations], ["document"])
        self.assertIn("after 3 Tab presses", violations[0]["details"])

    def test_focus_walk_uses_real_tab_presses(self) -> None:
        # The focus rule only sees what Tab reaches: an element out of the tab order
        # (tabindex=-1) without an indicator is not a tab stop and is not reported.
        self.load("bad-focus.html")
        self.driver.execute_script("document.getElementById('no-ring').tabIndex = -1")
        self.assertNotIn("no-ring", offending_ids(a11y.focus_visible(self.driver)))
        self.assertIsNone(self.driver.execute_script("return document.querySelector(':focus')"))


class ContrastMathTests(BrowserCase):
    """The rule's JavaScript formula on colour pairs whose WCAG contrast is known."""

    def ratio(self, fg: str, bg: str) -> float:
        return a11y.contrast_ratio(self.driver, fg, bg)

    def test_black_on_white_is_21(self) -> None:
        self.assertAlmostEqual(self.ratio("#000", "#fff"), 21.0, places=9)
        self.assertAlmostEqual(self.ratio("#fff", "#000"), 21.0, places=9)

    def test_same_colour_is_1(self) -> None:
        self.assertAlmostEqual(self.ratio("#1a56db", "#1a56db"), 1.0, places=9)

    def test_known_greys(self) -> None:
        self.assertAlmostEqual(self.ratio("#777", "#fff"), 4.48, places=2)
        self.assertAlmostEqual(self.ratio("#767676", "#fff"), 4.54, places=2)
        self.assertAlmostEqual(self.ratio("#595959", "#fff"), 7.00, places=2)
        self.assertAlmostEqual(self.ratio("#999", "#fff"), 2.85, places=2)

    def test_known_colours(self) -> None:
        self.assertAlmostEqual(self.ratio("#f00", "#fff"), 4.00, places=2)
        self.assertAlmostEqual(self.ratio("#00f", "#fff"), 8.59, places=2)
        self.assertAlmostEqual(self.ratio("#0f0", "#000"), 15.30, places=2)

    def test_translucent_text_is_composited_over_its_background(self) -> None:
        half = self.ratio("rgba(0, 0, 0, 0.5)", "#fff")
        self.assertGreater(half, self.ratio("#808080", "#fff"))
        self.assertLess(half, self.ratio("#7f7f7f", "#fff"))

    def test_non_rgb_colour_syntax(self) -> None:
        self.assertAlmostEqual(self.ratio("oklch(0 0 0)", "white"), 21.0, places=2)


class HarnessTests(BrowserCase):
    def test_screenshot_is_full_page_png_at_the_width(self) -> None:
        self.load("good.html")
        before = self.driver.get_window_size()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "good-480.png")
            width, height = browser.screenshot(self.driver, path, 480)
            data = Path(path).read_bytes()
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(browser.png_size(data), (width, height))
        self.assertEqual(width, 480)
        browser.set_viewport_size(self.driver, 480, 600)
        page_height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.assertGreater(page_height, 600, "the fixture must be taller than the viewport")
        self.assertGreaterEqual(height, page_height)
        self.driver.set_window_size(before["width"], before["height"])
        self.assertEqual(self.driver.get_window_size(), before)

    def test_tab_until_returns_the_focused_element(self) -> None:
        self.load("good.html")
        element = browser.tab_until(self.driver, lambda e: e.get_attribute("id") == "search", 30)
        self.assertEqual(element, self.driver.switch_to.active_element)
        self.assertEqual(element.get_attribute("id"), "search")
        with self.assertRaisesRegex(LookupError, "after 2 Tab presses"):
            browser.tab_until(self.driver, lambda e: False, 2)

    def test_wait_for(self) -> None:
        self.load("good.html")
        self.assertEqual(browser.wait_for(self.driver, lambda d: d.title, 5), "Fixture: passes every rule")
        with self.assertRaises(TimeoutException):
            browser.wait_for(self.driver, lambda d: False, 0.5)

    def test_flags(self) -> None:
        args = browser.chromium_options(800, 600, "/tmp/p").arguments
        self.assertIn("--headless=new", args)
        self.assertIn("--disable-gpu", args)
        self.assertIn("--window-size=800,600", args)
        self.assertIn("--user-data-dir=/tmp/p", args)
        self.assertEqual("--no-sandbox" in args, os.geteuid() == 0)


class OpenBrowserTests(unittest.TestCase):
    def test_no_selenium_manager_and_profile_removed_at_quit(self) -> None:
        with mock.patch.object(SeleniumManager, "binary_paths", side_effect=AssertionError("Selenium Manager ran")):
            driver = browser.open_browser(640, 480)
        try:
            self.assertTrue(os.path.isdir(driver.profile_dir))
            self.assertEqual(driver.capabilities["browserName"], "chrome")
            self.assertEqual(driver.execute_script("return navigator.webdriver"), True)
        finally:
            driver.quit()
        self.assertFalse(os.path.exists(driver.profile_dir))


if __name__ == "__main__":
    unittest.main()
