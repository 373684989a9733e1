#!/usr/bin/python3
"""The pages in a real browser: Debian's headless Chromium, driven by Selenium (python3-selenium).

Started by tests/browser/browser_test.sh, which runs the site (nginx, the pool, the MessageBird
simulator) and passes its URLs. For each language in LANGUAGES and each page state in STATES it
brings the browser into that state, then checks (docs/accessibility.md, "The browser test"):

- the HTTP status of the page and its `lang`;
- focus: a form's field has the focus, with a visible ring; after a banner, the focused field is
  the one the banner is about (aria-invalid="true"), and its aria-describedby names the banner;
- at every viewport in VIEWPORTS: axe-core finds no serious or critical violation, and the page
  does not scroll sideways;

and saves a screenshot of each state at each viewport as OUT/<lang>-<state>-<viewport>.png.
Prints every violation (rule id, impact, nodes) and a summary table; exits 1 on any failure.
"""

import argparse
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable, Optional

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# The languages the pages are checked in, as the browser's Accept-Language asks for them: every
# templates/messages.<lang>.txt.
LANGUAGES = ["en", "nl"]

# (name, CSS width, CSS height, device pixels per CSS pixel). "zoom200" is 1280x800 at 200 % zoom:
# the page lays out in 640x400 CSS pixels. 320 wide is WCAG 1.4.10's reflow width.
VIEWPORTS = [
    ("390x844", 390, 844, 1),
    ("1280x800", 1280, 800, 1),
    ("320x640", 320, 640, 1),
    ("1280x800-zoom200", 640, 400, 2),
]

# The numbers the site calls under its default settings (DEFAULT_REGION NL): each state run
# takes its own, since a number called within RESEND_INTERVAL (browser_test.sh sets it) is held
# for any other browser.
NUMBER_PREFIX = "+3161234"

# RESEND_INTERVAL of the test's site (browser_test.sh): "call me again" waits this long.
RESEND_INTERVAL = 6

# axe-core impacts, worst first; the first two fail the test.
IMPACTS = ["critical", "serious", "moderate", "minor"]
FAILING_IMPACTS = {"critical", "serious"}


@dataclass
class Site:
    base_url: str
    sim_url: str
    number: str = NUMBER_PREFIX + "0000"  # the number of the state being run
    runs: int = 0

    def next_number(self) -> None:
        self.runs += 1
        self.number = f"{NUMBER_PREFIX}{self.runs:04d}"

    def expire_codes(self) -> None:
        request = urllib.request.Request(f"{self.sim_url}/_sim/expire", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def last_code(self) -> str:
        digits = self.number.lstrip("+")
        with urllib.request.urlopen(f"{self.sim_url}/_sim/last-code?recipient={digits}",
                                    timeout=10) as answer:
            return answer.read().decode().strip()


# --- Steps: each brings a fresh browser session (no cookies) into one page state ------------

def load(driver, url: str) -> None:
    driver.get(url)
    wait_ready(driver)


def wait_ready(driver) -> None:
    WebDriverWait(driver, 10, ignored_exceptions=[WebDriverException]).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def submit(driver, field_id: Optional[str] = None, value: Optional[str] = None,
           button: str = "form button[type=submit]") -> None:
    """Types `value` into the field (if any) and presses `button` (a CSS selector: the first
    form's submit button unless told), as a person would; returns once the next page has
    loaded."""
    if field_id is not None:
        field = driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(value)
    # A mark on the old page's window: gone once the next page has replaced it.
    driver.execute_script("window.vvOldPage = true")
    driver.find_element(By.CSS_SELECTOR, button).click()
    WebDriverWait(driver, 10, ignored_exceptions=[WebDriverException]).until(
        lambda d: d.execute_script(
            "return window.vvOldPage === undefined && document.readyState === 'complete'"))


def phone_form(driver, site: Site) -> None:
    load(driver, site.base_url + "/")


def phone_form_invalid_number(driver, site: Site) -> None:
    phone_form(driver, site)
    submit(driver, "number", "12345")


def code_form(driver, site: Site) -> None:
    phone_form(driver, site)
    submit(driver, "number", site.number)
    if "/EnterCode/" not in driver.current_url:
        raise AssertionError(f"the number did not lead to the code page: {driver.current_url}")


def code_form_wrong_code(driver, site: Site) -> None:
    code_form(driver, site)
    code = site.last_code()
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    submit(driver, "token", wrong)


def success(driver, site: Site) -> None:
    code_form(driver, site)
    submit(driver, "token", site.last_code())


def phone_form_code_expired(driver, site: Site) -> None:
    """The right code, too late: back on the phone form with a banner about no field."""
    code_form(driver, site)
    code = site.last_code()
    site.expire_codes()
    submit(driver, "token", code)


def code_form_call_again_too_early(driver, site: Site) -> None:
    """"Call me again" before RESEND_INTERVAL: the code page again, with the wait as a banner."""
    code_form(driver, site)
    submit(driver, button="form[action$='/call-again'] button")


def code_form_called_again(driver, site: Site) -> None:
    """"Call me again" once allowed: a new call, and the code page of the new verification."""
    code_form(driver, site)
    first = driver.current_url
    wait = driver.find_element(By.ID, "call-again-wait")
    ready = wait.get_attribute("data-ready")
    time.sleep(RESEND_INTERVAL + 1.5)
    # countdown.js has counted the wait down to the sentence of a call that may be asked for.
    if wait.text != ready:
        raise AssertionError(f"the countdown still says {wait.text!r}, not {ready!r}")
    submit(driver, button="form[action$='/call-again'] button")
    if "/EnterCode/" not in driver.current_url or driver.current_url == first:
        raise AssertionError(f"no new verification after call me again: {driver.current_url}")


def phone_form_other_number(driver, site: Site) -> None:
    """"Use a different number": back on an empty number form."""
    code_form(driver, site)
    submit(driver, button="form[action$='/other-number'] button")
    field = driver.find_element(By.ID, "number")
    if urllib.parse.urlparse(driver.current_url).path != "/" or field.get_attribute("value"):
        raise AssertionError(f"not an empty number form: {driver.current_url}")


def not_found(driver, site: Site) -> None:
    load(driver, site.base_url + "/no-such-page")


def form_without_csrf_token(driver, site: Site) -> None:
    """A form post without its CSRF token: the pool's 403 page."""
    phone_form(driver, site)
    driver.execute_script("document.querySelector('input[name=csrf_token]').remove()")
    submit(driver, "number", site.number)


def unreadable_form(driver, site: Site) -> None:
    """A form post the pool cannot read (a field twice): the pool's 400 page."""
    phone_form(driver, site)
    driver.execute_script(
        "const extra = document.createElement('input');"
        "extra.type = 'hidden'; extra.name = 'number'; extra.value = '1';"
        "document.querySelector('form').appendChild(extra);")
    submit(driver, "number", site.number)


def oversized_form(driver, site: Site) -> None:
    """A form post over nginx's 4 KiB body cap: nginx's own 413 page, rendered at build time."""
    phone_form(driver, site)
    driver.execute_script("document.getElementById('number').value = '1'.repeat(5000)")
    submit(driver)


@dataclass
class State:
    name: str
    steps: Callable[[webdriver.Chrome, Site], None]
    status: int = 200
    focus: Optional[str] = None         # the id of the field that must have the focus
    banner_about: Optional[str] = None  # the id of the field the banner is about (aria-invalid)
    banner: bool = False                # a banner about no field (a limit, say) shows
    english_only: bool = False          # nginx's own page, rendered at build time in English

    def shows_banner(self) -> bool:
        return self.banner or self.banner_about is not None


# The page states, in order. To add one: a steps function above that ends on the page, and a
# line here with its status, the field that must have the focus, and the field its banner is
# about (banner_about) or banner=True for a banner about no field.
STATES = [
    State("phone-form", phone_form, focus="number"),
    State("phone-form-invalid-number", phone_form_invalid_number, focus="number",
          banner_about="number"),
    State("code-form", code_form, focus="token"),
    State("code-form-wrong-code", code_form_wrong_code, focus="token", banner_about="token"),
    State("code-form-call-again-too-early", code_form_call_again_too_early, focus="token",
          banner=True),
    State("code-form-called-again", code_form_called_again, focus="token"),
    State("phone-form-other-number", phone_form_other_number, focus="number"),
    State("phone-form-code-expired", phone_form_code_expired, focus="number", banner=True),
    State("success", success),
    State("not-found", not_found, status=404),
    State("forbidden-no-csrf", form_without_csrf_token, status=403),
    State("bad-request", unreadable_form, status=400),
    State("too-large-nginx", oversized_form, status=413, english_only=True),
]


# --- The browser -------------------------------------------------------------------------------

def start_browser(lang: str, profile: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # As root (CI) Chromium starts only without its sandbox. Without the background-networking
    # flags it tries Google's hosts at start, which this closed network refuses (docs/platform.md).
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1280,800", f"--user-data-dir={profile}", f"--lang={lang}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"),
                              options=options)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(30)
    return driver


def set_viewport(driver, width: int, height: int, scale: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": scale, "mobile": False,
        "screenWidth": width, "screenHeight": height})


def run_axe(driver, axe_source: str) -> dict:
    # WebDriver's scripts run outside the page's CSP (script-src 'none'): the page stays as served.
    driver.execute_script(axe_source)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})
          .then(r => done({violations: r.violations}))
          .catch(e => done({error: String(e)}));
    """)
    if "error" in result:
        raise AssertionError("axe-core failed: " + result["error"])
    return result


# --- Checks ------------------------------------------------------------------------------------

def check_page(driver, state: State, lang: str) -> list:
    """The checks that do not depend on the viewport; a list of failures."""
    failures = []
    status = driver.execute_script(
        "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0")
    if status != state.status:
        failures.append(f"status {status}, expected {state.status}")
    page_lang = driver.execute_script("return document.documentElement.lang")
    expected_lang = "en" if state.english_only else lang
    if page_lang.split("-")[0] != expected_lang:
        failures.append(f"<html lang> is {page_lang!r}, expected {expected_lang!r}")

    facts = driver.execute_script("""
        const active = document.activeElement;
        const banners = document.querySelectorAll('[role=alert]');
        const banner = banners.length ? banners[0] : null;
        return {
          active: active && active !== document.body ? active.id || active.tagName : null,
          banners: banners.length,
          banner_id: banner ? banner.id : null,
          described_by: active && active.getAttribute('aria-describedby'),
          invalid: Array.from(document.querySelectorAll('[aria-invalid=true]')).map(e => e.id),
          focus_visible: active ? active.matches(':focus-visible') : false,
          outline: active ? getComputedStyle(active).outlineStyle + ' ' +
                            getComputedStyle(active).outlineWidth : '',
        };
    """)
    if facts["active"] != state.focus:
        failures.append(f"focus on {facts['active']!r}, expected {state.focus!r}")
    elif state.focus:
        # The focused field shows it: a solid ring of at least 2 px (static/style.css).
        style, width = facts["outline"].split()
        if not facts["focus_visible"] or style != "solid" or float(width.rstrip("px")) < 2:
            failures.append(f"no visible focus ring on {state.focus!r}: {facts['outline']}")
    if state.shows_banner():
        if facts["banners"] != 1 or not facts["banner_id"]:
            failures.append(f"expected one banner with an id, found {facts['banners']}")
        elif state.focus and facts["banner_id"] not in (facts["described_by"] or "").split():
            failures.append(f"the focused field's aria-describedby ({facts['described_by']!r}) "
                            f"does not name the banner ({facts['banner_id']!r})")
    elif facts["banners"]:
        failures.append(f"unexpected banner ({facts['banners']})")
    expected_invalid = [state.banner_about] if state.banner_about else []
    if facts["invalid"] != expected_invalid:
        failures.append(f"aria-invalid on {facts['invalid']}, expected {expected_invalid}")
    return failures


def check_viewport(driver, axe_source: str) -> tuple:
    """axe-core and sideways scrolling at the current viewport: (violations, failures)."""
    failures = []
    sizes = driver.execute_script(
        "const e = document.documentElement;"
        "return {scroll: e.scrollWidth, client: e.clientWidth, inner: window.innerWidth}")
    if sizes["scroll"] > sizes["client"]:
        failures.append(f"scrolls sideways: content {sizes['scroll']} px wide in "
                        f"{sizes['client']} px")
    violations = run_axe(driver, axe_source)["violations"]
    for violation in violations:
        if violation.get("impact") in FAILING_IMPACTS:
            failures.append(f"axe {violation['impact']}: {violation['id']}")
    return violations, failures


def print_violations(label: str, violations: list) -> None:
    for violation in violations:
        print(f"  {label}: axe {violation.get('impact')} {violation['id']}: {violation['help']} "
              f"({violation['helpUrl']})")
        for node in violation["nodes"]:
            print(f"      {' '.join(map(str, node['target']))}: "
                  f"{node.get('failureSummary', '').replace(chr(10), ' ')}")


def run_state(driver, site: Site, state: State, lang: str, axe_source: str, out: str,
              rows: list) -> int:
    """Brings the browser into `state` and checks it at every viewport; the number of failures.
    Appends a row per viewport to `rows`: (lang, state, viewport, counts by impact, failures)."""
    label = f"{lang}-{state.name}"
    # Every state starts as a new visitor: no session, flash or CSRF cookie carries over.
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    site.next_number()
    set_viewport(driver, *VIEWPORTS[0][1:])
    try:
        state.steps(driver, site)
        page_failures = check_page(driver, state, lang)
    except AssertionError as error:
        page_failures = [f"steps failed: {error}"]
    except WebDriverException as error:
        page_failures = [f"steps failed: {type(error).__name__}: {error.msg}"]
    for failure in page_failures:
        print(f"FAIL {label}: {failure}")
    failed = len(page_failures)
    for viewport, width, height, scale in VIEWPORTS:
        set_viewport(driver, width, height, scale)
        violations, failures = check_viewport(driver, axe_source)
        print_violations(f"{label} {viewport}", violations)
        for failure in failures:
            print(f"FAIL {label} {viewport}: {failure}")
        failed += len(failures)
        driver.save_screenshot(os.path.join(out, f"{label}-{viewport}.png"))
        counts = {impact: 0 for impact in IMPACTS}
        for violation in violations:
            counts[violation.get("impact") or "minor"] += 1
        rows.append((lang, state.name, viewport, counts, len(failures) + len(page_failures)))
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--sim-url", required=True)
    parser.add_argument("--out", required=True, help="folder for the screenshots")
    parser.add_argument("--axe", required=True, help="axe.min.js")
    parser.add_argument("--only", help="run only the states whose name contains this")
    args = parser.parse_args()

    with open(args.axe, encoding="utf-8") as f:
        axe_source = f.read()
    os.makedirs(args.out, exist_ok=True)
    site = Site(args.base_url, args.sim_url)
    rows = []      # (lang, state, viewport, counts by impact, failures)
    failed = 0
    for lang in LANGUAGES:
        with tempfile.TemporaryDirectory(prefix="vv-chromium-") as profile:
            driver = start_browser(lang, profile)
            try:
                for state in STATES:
                    if args.only and args.only not in state.name:
                        continue
                    failed += run_state(driver, site, state, lang, axe_source, args.out, rows)
            finally:
                driver.quit()

    print()
    print(f"{'lang':4} {'state':28} {'viewport':18} {'critical':>8} {'serious':>8} "
          f"{'moderate':>8} {'minor':>6}  result")
    for lang, name, viewport, counts, failures in rows:
        print(f"{lang:4} {name:28} {viewport:18} {counts['critical']:8} {counts['serious']:8} "
              f"{counts['moderate']:8} {counts['minor']:6}  "
              f"{'ok' if not failures else f'{failures} failure(s)'}")
    print(f"screenshots: {args.out}/<lang>-<state>-<viewport>.png")
    if failed or not rows:
        print(f"browser_test: {failed} failure(s)" if rows else "browser_test: no state ran")
        return 1
    print(f"browser_test: {len(rows)} page states and viewports, no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
