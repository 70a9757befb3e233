"""The admin console in headless Chromium against the local platform (tools/browser/console-tests.sh
starts it with the simulator running). Each scenario is done with the keyboard where a person
would type or press; accessibility is checked on every page at 1440 and 820 px by the rules of
a11y.py; full-page screenshots of each page go to GM_BROWSER_SCREENSHOTS (docs/screenshots/ holds
committed ones).

    .venv/bin/python -m unittest tools/browser/console_scenarios.py -v
"""

import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

import a11y  # noqa: E402
from browser import open_browser, screenshot, tab_until, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = os.environ.get("GM_ADMIN_URL", "http://127.0.0.1:8080")
SCREENSHOTS = Path(os.environ.get("GM_BROWSER_SCREENSHOTS", ROOT / ".gm" / "browser" / "screenshots"))
WIDTHS = (1440, 820)


def demo_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".gm" / "demo.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


ENV = demo_env()


def keyboard_login(driver, tenant: str, email: str, password: str) -> None:
    """At the user service's login form, by keyboard alone: Tab to each field, type, Enter."""
    wait_for(driver, lambda d: "/oauth/authorize" in d.current_url, 15)
    for name, value in (("tenant", tenant), ("email", email), ("password", password)):
        tab_until(driver, lambda e, n=name: e.get_attribute("name") == n, 20).send_keys(value)
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_for(driver, lambda d: d.current_url.startswith(CONSOLE) and "/auth/" not in d.current_url, 15)


def text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def check_accessibility(test: unittest.TestCase, driver, page: str) -> None:
    for width in WIDTHS:
        driver.set_window_size(width, 900)
        found = a11y.check_page(driver)
        for rule in a11y.RULES:
            test.assertEqual(found[rule], [], f"{page} at {width} px breaks {rule}")
        screenshot(driver, str(SCREENSHOTS / f"{page}-{width}.png"), width)
    driver.set_window_size(1440, 900)


def post_from_page(driver, path: str, fields: dict[str, str]) -> int:
    """A form post from the signed-in page's own script (same origin, with its cookies): the status."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {method: 'POST', credentials: 'same-origin', redirect: 'manual',"
        " headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: new URLSearchParams(arguments[1])})"
        ".then(r => done(r.status), e => done(String(e)));",
        path,
        fields,
    )


class ConsoleScenarios(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def setUp(self) -> None:
        self.driver = open_browser(1440, 900)
        self.addCleanup(self.driver.quit)

    def login(self, suffix: str = "", path: str = "/overview") -> None:
        self.driver.get(CONSOLE + path)
        keyboard_login(self.driver, ENV[f"GM_TENANT{suffix}"], ENV[f"GM_OPERATOR_USER{suffix}"], ENV[f"GM_OPERATOR_PASSWORD{suffix}"])

    def test_login_then_the_overview_moves_with_the_simulator(self) -> None:
        driver = self.driver
        driver.get(CONSOLE + "/overview")
        keyboard_login(driver, ENV["GM_TENANT"], ENV["GM_OPERATOR_USER"], ENV["GM_OPERATOR_PASSWORD"])
        self.assertTrue(driver.current_url.endswith("/overview"), driver.current_url)
        self.assertEqual(driver.find_element(By.CSS_SELECTOR, "[data-testid=tenant]").text, ENV["GM_TENANT"])
        wait_for(driver, lambda d: text(d, "live-status").startswith("Live"), 15)
        before = text(driver, "events-today")
        wait_for(driver, lambda d: text(d, "events-today") != before, 30)
        wait_for(driver, lambda d: text(d, "events-per-second") not in ("—", "0"), 30)
        self.assertGreater(len(driver.find_elements(By.CSS_SELECTOR, "#currencies tbody tr")), 0)
        check_accessibility(self, driver, "overview")

    def test_pipeline_health_names_every_service(self) -> None:
        self.login(path="/pipeline")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#readiness tbody tr")
        services = [row.find_element(By.TAG_NAME, "th").text for row in rows]
        self.assertIn("ingestion", services)
        self.assertIn("processor", services)
        self.assertIn("Ready", [row.find_elements(By.TAG_NAME, "td")[0].text for row in rows])
        check_accessibility(self, self.driver, "pipeline")

    def test_keyboard_alone_changes_the_time_zone_moves_between_sections_and_logs_out(self) -> None:
        driver = self.driver
        self.login()
        zone = tab_until(driver, lambda e: e.get_attribute("id") == "tz", 30)
        zone.send_keys(Keys.CONTROL, "a")
        zone.send_keys("Europe/Malta", Keys.ENTER)
        wait_for(driver, lambda d: "tz=Europe%2FMalta" in d.current_url or "tz=Europe/Malta" in d.current_url, 10)
        self.assertIn("Europe/Malta", driver.find_element(By.CSS_SELECTOR, ".context").text)
        link = tab_until(driver, lambda e: e.get_attribute("href", ) is not None and e.get_attribute("href").endswith("/pipeline"), 30)
        link.send_keys(Keys.ENTER)
        wait_for(driver, lambda d: d.current_url.endswith("/pipeline"), 10)
        button = tab_until(driver, lambda e: e.tag_name == "button" and e.text == "Log out", 30)
        button.send_keys(Keys.ENTER)
        wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Signed out", 10)
        check_accessibility(self, driver, "signed-out")
        driver.get(CONSOLE + "/overview")
        wait_for(driver, lambda d: "/oauth/authorize" in d.current_url, 10)

    def test_a_post_without_the_form_token_is_refused(self) -> None:
        driver = self.driver
        self.login()
        self.assertEqual(post_from_page(driver, "/logout", {}), 403)
        self.assertEqual(post_from_page(driver, "/logout", {"csrf_token": "forged"}), 403)
        driver.get(CONSOLE + "/overview")
        self.assertTrue(driver.current_url.endswith("/overview"), "a refused post must not end the session")
        # Another site's form: the session cookie is SameSite=Lax, so the post arrives without it.
        driver.get("data:text/html,<form method=post action='" + CONSOLE + "/logout'><button id=go>go</button></form>")
        driver.find_element(By.ID, "go").click()
        wait_for(driver, lambda d: d.current_url.startswith(CONSOLE), 10)
        driver.get(CONSOLE + "/overview")
        self.assertTrue(driver.current_url.endswith("/overview"), "another site's post must not end the session")

    def test_each_tenant_sees_only_its_own_numbers(self) -> None:
        driver = self.driver
        self.login(suffix="_B")
        self.assertEqual(driver.find_element(By.CSS_SELECTOR, "[data-testid=tenant]").text, ENV["GM_TENANT_B"])
        mine = json.loads(driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/overview/summary.json', {credentials: 'same-origin'}).then(r => r.text()).then(done);"))
        # The same numbers as tenant B's own token reads at analytics-api, and not tenant A's.
        own = analytics_overview(ENV["GM_CLIENT_ID_B"], ENV["GM_CLIENT_SECRET_B"], mine["dayStarts"])
        other = analytics_overview(ENV["GM_CLIENT_ID"], ENV["GM_CLIENT_SECRET"], mine["dayStarts"])
        self.assertEqual(sorted(c["currency"] for c in mine["currencies"]), sorted(c["currency"] for c in own["currencies"]))
        self.assertLessEqual(abs(mine["events"] - own["events"]), abs(mine["events"] - other["events"]))
        self.assertNotEqual(own["events"], other["events"])

    def test_a_failed_login_says_what_to_do(self) -> None:
        driver = self.driver
        driver.get(CONSOLE + "/auth/callback?code=gma_unknown&state=unknown")
        self.assertEqual(driver.find_element(By.TAG_NAME, "h1").text, "Login not completed")
        self.assertTrue(driver.find_element(By.LINK_TEXT, "Log in again").is_displayed())
        check_accessibility(self, driver, "login-failed")


def analytics_overview(client_id: str, secret: str, day_starts: str) -> dict:
    """The overview since `day_starts` as a tenant's own service client reads it at analytics-api."""
    user = ENV.get("GM_USER_URL", "http://127.0.0.1:8085")
    analytics = ENV.get("GM_ANALYTICS_API_URL", "http://127.0.0.1:8084")
    request = urllib.request.Request(user + "/oauth/token", data=b"grant_type=client_credentials", method="POST")
    import base64

    request.add_header("Authorization", "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode())
    token = json.load(urllib.request.urlopen(request, timeout=10))["access_token"]
    now = time.time()
    to = time.strftime("%Y-%m-%dT%H:%M:00Z", time.gmtime(now - now % 60 + 60))
    body = json.dumps({"query": "query($f:String!,$t:String!){overview(from:$f,to:$t){events currencies{currency}}}",
                       "variables": {"f": day_starts, "t": to}}).encode()
    request = urllib.request.Request(analytics + "/graphql", data=body, method="POST")
    request.add_header("Authorization", "Bearer " + token)
    request.add_header("Content-Type", "application/json")
    return json.load(urllib.request.urlopen(request, timeout=10))["data"]["overview"]


if __name__ == "__main__":
    unittest.main()
