"""The admin console in headless Chromium against the local platform (tools/browser/console-tests.sh
starts it with the simulator running). Each scenario is done with the keyboard where a person
would type or press; accessibility is checked on every page at 1440 and 820 px by the rules of
a11y.py; full-page screenshots of each page go to GM_BROWSER_SCREENSHOTS (docs/screenshots/ holds
committed ones).

    .venv/bin/python -m unittest tools/browser/console_scenarios.py -v
"""

import base64
import json
import os
import shutil
import tempfile
import uuid
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
        wait_for(driver, lambda d: not d.current_url.startswith("data:"), 10)
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


    def test_games_are_ranked_over_a_chosen_range_and_a_game_shows_its_days(self) -> None:
        driver = self.driver
        self.login(path="/games")
        ranking = tab_until(driver, lambda e: e.get_attribute("id") == "games-by", 40)
        ranking.send_keys(Keys.ARROW_DOWN)  # players -> rounds
        tab_until(driver, lambda e: e.tag_name == "button" and e.text == "Show games", 10).send_keys(Keys.ENTER)
        wait_for(driver, lambda d: "by=rounds" in d.current_url, 10)
        rows = driver.find_elements(By.CSS_SELECTOR, "#games tbody tr")
        self.assertGreater(len(rows), 0)
        rounds = [int(row.find_elements(By.TAG_NAME, "td")[1].text.replace(",", "")) for row in rows]
        self.assertEqual(rounds, sorted(rounds, reverse=True), "games are not ranked by rounds")
        check_accessibility(self, driver, "games")
        first = rows[0].find_element(By.TAG_NAME, "a").text
        tab_until(driver, lambda e: e.tag_name == "a" and e.text == first, 60).send_keys(Keys.ENTER)
        wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == f"Game {first}", 10)
        self.assertEqual(len(driver.find_elements(By.CSS_SELECTOR, "#game-days tbody tr")), 7)
        check_accessibility(self, driver, "game")

    def test_an_admin_creates_a_write_key_and_a_revoked_key_is_refused_by_ingestion_in_time(self) -> None:
        driver = self.driver
        self.login(path="/settings")
        name = f"browser-{int(time.time())}"
        tab_until(driver, lambda e: e.get_attribute("id") == "key-name", 40).send_keys(name, Keys.ENTER)
        key = wait_for(driver, lambda d: d.find_element(By.ID, "new-key").get_attribute("value"), 10)
        self.assertEqual(ingest(key, f"p-key-{name}"), 202)
        revoke = tab_until(driver, lambda e: e.get_attribute("aria-label") == f"Revoke write key {name}", 80)
        revoke.send_keys(Keys.ENTER)
        wait_for(driver, lambda d: "revoked" in d.find_element(By.CSS_SELECTOR, ".success").text.lower(), 10)
        revoked_at = time.monotonic()
        # The ingestion README states it: a revoked key stops working within 10 s by default.
        status = 202
        while status != 401 and time.monotonic() - revoked_at < 12:
            time.sleep(0.5)
            status = ingest(key, f"p-key-{name}")
        self.assertEqual(status, 401, "the revoked key still works 12 s after revocation")
        self.assertLessEqual(time.monotonic() - revoked_at, 11.0)
        check_accessibility(self, driver, "settings")

    def test_search_export_and_erase_a_player_then_watch_the_erasure_complete(self) -> None:
        driver = self.driver
        player = f"p-erase-{int(time.time() * 1000)}"
        create_player(player, "Erasable Player")
        self.assertEqual(ingest(ENV["GM_WRITE_KEY"], player), 202)
        self.login(path="/players")
        tab_until(driver, lambda e: e.get_attribute("id") == "player-query", 40).send_keys(player, Keys.ENTER)
        link = tab_until(driver, lambda e: e.tag_name == "a" and e.text == player, 40)
        check_accessibility(self, driver, "players")
        link = tab_until(driver, lambda e: e.tag_name == "a" and e.text == player, 40)
        link.send_keys(Keys.ENTER)
        wait_for(driver, lambda d: d.find_element(By.ID, "player-id").text == player, 10)
        # The export downloads by keyboard: Enter on its link, the file lands in a folder of the test's.
        downloads = Path(tempfile.mkdtemp(prefix="gm-export-"))
        self.addCleanup(shutil.rmtree, downloads, True)
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        tab_until(driver, lambda e: e.get_attribute("id") == "export-link", 60).send_keys(Keys.ENTER)
        exported = wait_for(driver, lambda d: [f for f in downloads.glob("*.json")], 20)
        export = json.loads(exported[0].read_text())
        self.assertIn(player, json.dumps(export))
        check_accessibility(self, driver, "player")
        tab_until(driver, lambda e: e.tag_name == "button" and e.text.startswith("Erase this player"), 60).send_keys(Keys.ENTER)
        confirm = wait_for(driver, lambda d: d.find_element(By.ID, "confirm-player-id"), 10)
        check_accessibility(self, driver, "erase-confirmation")
        confirm = tab_until(driver, lambda e: e.get_attribute("id") == "confirm-player-id", 60)
        confirm.send_keys(player, Keys.ENTER)
        wait_for(driver, lambda d: "/erasures/" in d.current_url, 10)
        status = driver.find_element(By.ID, "erasure-status")
        self.assertIn(status.get_attribute("data-status"), ("pending", "completed"))
        wait_for(driver, lambda d: d.find_element(By.ID, "erasure-status").get_attribute("data-status") == "completed", 60)
        services = {row.get_attribute("data-service"): row.find_elements(By.TAG_NAME, "td")[0].text
                    for row in driver.find_elements(By.CSS_SELECTOR, "#erasure-services tbody tr")}
        self.assertEqual(
            services,
            {"user": "completed", "processor": "completed", "analytics-api": "completed", "notification": "completed", "retention": "completed", "recommendation": "completed"},
        )
        check_accessibility(self, driver, "erasure")

    def test_an_operator_without_admin_rights_reaches_neither_settings_nor_erasure(self) -> None:
        driver = self.driver
        email = f"viewer-{int(time.time() * 1000)}@{ENV['GM_TENANT']}.example"
        password = "viewer-password-" + str(int(time.time()))
        self.login(path="/settings")
        tab_until(driver, lambda e: e.get_attribute("id") == "operator-email", 80).send_keys(email)
        tab_until(driver, lambda e: e.get_attribute("id") == "operator-password", 5).send_keys(password)
        tab_until(driver, lambda e: e.tag_name == "button" and e.text == "Create operator", 10).send_keys(Keys.ENTER)
        wait_for(driver, lambda d: email in d.find_element(By.CSS_SELECTOR, ".success").text, 10)
        tab_until(driver, lambda e: e.tag_name == "button" and e.text == "Log out", 10).send_keys(Keys.ENTER)
        wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Signed out", 10)

        driver.get(CONSOLE + "/players")
        keyboard_login(driver, ENV["GM_TENANT"], email, password)
        self.assertNotIn("Settings", [a.text for a in driver.find_elements(By.CSS_SELECTOR, "nav a")])
        driver.get(CONSOLE + "/settings")
        self.assertIn("admin role", driver.find_element(By.CSS_SELECTOR, ".notice").text)
        player = f"p-kept-{int(time.time() * 1000)}"
        self.assertEqual(ingest(ENV["GM_WRITE_KEY"], player), 202)

        def shows_activity(d) -> bool:
            d.get(CONSOLE + "/players/" + player)
            return "Last seen" in d.page_source

        wait_for(driver, shows_activity, 20)
        self.assertEqual(driver.find_elements(By.CSS_SELECTOR, "button.danger-button"), [])
        csrf = driver.find_element(By.NAME, "csrf_token").get_attribute("value")
        self.assertEqual(post_from_page(driver, f"/players/{player}/erasure", {"csrf_token": csrf, "confirm_player_id": player}), 403)


def ingest(write_key: str, player: str) -> int:
    """One deposit event for `player` with `write_key`: ingestion's status."""
    event = {"event_id": str(uuid.uuid4()), "type": "deposit", "player_id": player,
             "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "amount": {"minor": 100, "currency": "EUR"}}
    request = urllib.request.Request(ENV.get("GM_INGESTION_URL", "http://127.0.0.1:8081") + "/v1/events",
                                     data=json.dumps(event).encode(), method="POST")
    request.add_header("X-API-Key", write_key)
    request.add_header("Content-Type", "application/json")
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def create_player(player: str, display_name: str) -> None:
    """A profile at the user service, with tenant A's operator client (role operator)."""
    token = client_token(ENV["GM_CLIENT_ID"], ENV["GM_CLIENT_SECRET"])
    body = json.dumps({"player_id": player, "display_name": display_name}).encode()
    request = urllib.request.Request(ENV.get("GM_USER_URL", "http://127.0.0.1:8085") + "/v1/players", data=body, method="POST")
    request.add_header("Authorization", "Bearer " + token)
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request, timeout=10)


def client_token(client_id: str, secret: str) -> str:
    request = urllib.request.Request(ENV.get("GM_USER_URL", "http://127.0.0.1:8085") + "/oauth/token",
                                     data=b"grant_type=client_credentials", method="POST")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode())
    return json.load(urllib.request.urlopen(request, timeout=10))["access_token"]


def analytics_overview(client_id: str, secret: str, day_starts: str) -> dict:
    """The overview since `day_starts` as a tenant's own service client reads it at analytics-api."""
    analytics = ENV.get("GM_ANALYTICS_API_URL", "http://127.0.0.1:8084")
    token = client_token(client_id, secret)
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
