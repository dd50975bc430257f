#!/usr/bin/env python3
"""Drives Moor's web UI in headless Chromium (Debian's chromium + chromium-driver, through Selenium).

As a viewer: logs in, checks the application list (badges, sync and name filters), opens the out-of-sync
application and checks its tree, diff and history, and that no Sync/Refresh/Rollback button is offered.
As an operator, in a second tab: asks for a sync of an unknown revision (the API's message must show), then
syncs for real and sees the result. Back in the viewer's tab, which was never reloaded, the list's badge must
turn Synced through the event stream; after the operator rolls back to the older history entry, OutOfSync
again. The viewer also opens the pull-request previews and the page of one pull request. Saves list.png,
application.png and preview.png into --screenshots.

Tokens come from --viewer-token/--operator-token or the MOOR_UI_VIEWER_TOKEN/MOOR_UI_OPERATOR_TOKEN
environment variables (so they stay out of process listings); they are never printed.
Exits 0 when every check passed; otherwise prints "ui test failed: <step>: <reason>" and exits 1.
"""

import argparse
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select


class UIFailure(Exception):
    """A check of the UI did not hold; the message says what was expected and what was seen."""


class Driver:
    """The browser plus the waiting and finding helpers every step uses."""

    def __init__(self, browser, timeout):
        self.browser = browser
        self.timeout = timeout
        self.step = "starting the browser"

    def begin(self, step):
        """Names the step that runs now (printed, and used in the failure message)."""
        self.step = step
        print(f"ui test: {step}", flush=True)

    def wait(self, what, condition):
        """Polls `condition` until it returns something truthy, which it returns; fails after the timeout."""
        deadline = time.monotonic() + self.timeout
        last_error = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except WebDriverException as error:  # the page re-rendered between find and read
                last_error = error
            time.sleep(0.1)
        detail = f" (last error: {last_error.msg})" if last_error else ""
        raise UIFailure(f"timed out after {self.timeout}s waiting until {what}{detail}")

    def all(self, testid, within=None):
        return (within or self.browser).find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def visible(self, testid, within=None):
        """The first displayed element with data-testid `testid`, or None."""
        return next((e for e in self.all(testid, within) if e.is_displayed()), None)

    def shown(self, testid, what=None):
        return self.wait(what or f'"{testid}" is shown', lambda: self.visible(testid))

    def click(self, what, find):
        """Clicks the element `find()` returns, finding it again when the page re-rendered it meanwhile."""
        def attempt():
            element = find()
            if element:
                element.click()
                return True
            return False
        self.wait(what, attempt)

    def click_testid(self, testid, what=None):
        self.click(what or f'"{testid}" can be clicked', lambda: self.visible(testid))

    def rows(self):
        """The list's rows: name -> (sync status, health status)."""
        result = {}
        for row in self.all("app-row"):
            sync = self.all("sync-badge", row)[0].get_attribute("data-status")
            health = self.all("health-badge", row)[0].get_attribute("data-status")
            result[row.get_attribute("data-name")] = (sync, health)
        return result

    def screenshot(self, path, full_page):
        """Saves a PNG of the window, or of the whole page (window stretched to its height) when `full_page`."""
        self.browser.execute_script("document.activeElement && document.activeElement.blur()")
        if full_page:
            width = self.browser.execute_script("return window.innerWidth")
            height = self.browser.execute_script("return document.documentElement.scrollHeight")
            self.browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": min(height, 4000), "deviceScaleFactor": 1, "mobile": False})
            time.sleep(0.3)
        self.browser.save_screenshot(path)
        if full_page:
            self.browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        print(f"ui test: saved {path}", flush=True)


def log_in(d, url, token, role):
    d.browser.get(url)
    d.shown("token-input", "the login form is shown").send_keys(token)
    d.click_testid("login-button")

    def outcome():
        error = d.visible("login-error")
        if error:
            raise UIFailure(f"login as {role} refused: {error.text}")
        return d.visible("session-role")

    seen = d.wait(f"the {role} is logged in", outcome).text
    if seen != role:
        raise UIFailure(f"the header shows role {seen!r}, expected {role!r}")


def check_list(d, args):
    d.begin("viewer sees the list with badges")
    rows = d.wait("both applications are listed",
                  lambda: (r := d.rows()) and args.out_of_sync_app in r and args.synced_app in r and r)
    if rows[args.out_of_sync_app][0] != "OutOfSync":
        raise UIFailure(f"{args.out_of_sync_app} shows sync {rows[args.out_of_sync_app][0]}, expected OutOfSync")
    if rows[args.synced_app][0] != "Synced":
        raise UIFailure(f"{args.synced_app} shows sync {rows[args.synced_app][0]}, expected Synced")
    if any(not health for _, health in rows.values()):
        raise UIFailure(f"a row has no health badge: {rows}")
    projects = [element.text for element in d.all("app-project")]
    if len(projects) < len(rows) or any(not text.startswith("project ") for text in projects):
        raise UIFailure(f"every row must show its project; they show {projects}")

    d.begin("viewer filters by sync status")
    select = Select(d.visible("filter-sync"))
    select.select_by_value("OutOfSync")
    d.wait("only OutOfSync applications are listed",
           lambda: (r := d.rows()) and args.out_of_sync_app in r and all(s == "OutOfSync" for s, _ in r.values()))
    select.select_by_value("")
    d.wait("the sync filter is off again", lambda: args.synced_app in d.rows())

    d.begin("viewer searches by name")
    search = d.visible("filter-name")
    search.send_keys(args.synced_app)
    d.wait(f'only names containing "{args.synced_app}" are listed',
           lambda: (r := d.rows()) and args.synced_app in r and all(args.synced_app in name for name in r))
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.DELETE)
    d.wait("the name filter is off again", lambda: args.out_of_sync_app in d.rows() and args.synced_app in d.rows())
    d.screenshot(os.path.join(args.screenshots, "list.png"), full_page=False)


def open_application(d, name):
    link = f'[data-testid="app-row"][data-name="{name}"] [data-testid="app-link"]'
    d.click(f"{name} is listed and can be opened",
            lambda: next(iter(d.browser.find_elements(By.CSS_SELECTOR, link)), None))
    d.wait(f"the page of {name} is shown", lambda: (e := d.visible("app-name")) and e.text == name)
    d.wait("the object tree is loaded", lambda: d.all("tree-node") or d.visible("objects").text.find("No objects") > 0)


def check_application(d, args):
    d.begin("viewer sees the application page: tree, diff, history")
    open_application(d, args.out_of_sync_app)
    kinds = {node.get_attribute("data-kind") for node in d.all("tree-node")}
    missing = [kind for kind in args.tree_kinds if kind not in kinds]
    if missing:
        raise UIFailure(f"the object tree lacks {missing}; it shows {sorted(kinds)}")
    d.wait("the Deployment's node says which rule decided its health", lambda: any(
        e.text.startswith("built-in") for node in d.all("tree-node") if node.get_attribute("data-kind") == "Deployment"
        for e in d.all("decided-by", within=node)))
    diffs = d.wait("the diff is shown", lambda: d.all("diff-text"))
    text = "\n".join(diff.text for diff in diffs)
    if args.diff_contains and args.diff_contains not in text:
        raise UIFailure(f"the diff does not contain {args.diff_contains!r}; it is:\n{text}")
    if args.attribution_contains:
        attributions = d.wait("who changed a drifted field is shown", lambda: d.all("attribution"))
        if not any(args.attribution_contains in a.text for a in attributions):
            raise UIFailure(f"no attribution contains {args.attribution_contains!r}; they are: "
                            f"{[a.text for a in attributions]}")
    if args.secret_value and args.secret_value in d.browser.page_source:
        raise UIFailure("a Secret's value appears in the page; the diff must mask it")
    history = d.wait("the history is shown", lambda: d.all("history-row"))
    revisions = d.all("commit-link") + d.all("commit-text")
    if len(revisions) < len(history) or any(not r.text for r in revisions):
        raise UIFailure("a history entry shows no commit")
    for link in d.all("commit-link"):
        if "/commit" not in link.get_attribute("href"):
            raise UIFailure(f"commit link {link.get_attribute('href')} does not point at a commit")

    d.begin("viewer gets no Sync, Refresh or Rollback button")
    for testid in ("sync-button", "refresh-button", "rollback-button"):
        if d.all(testid):
            raise UIFailure(f"a viewer is offered {testid}")


def check_sources(d, args):
    d.begin("viewer sees every source of a multi-source application")
    open_application(d, args.synced_app)

    def facts():
        terms = d.browser.find_elements(By.CSS_SELECTOR, "dl.facts dt")
        return {term.text: term.find_element(By.XPATH, "following-sibling::dd[1]").text for term in terms}

    shown = d.wait("both sources are listed", lambda: (f := facts()) and "Source 1" in f and "Source 2" in f and f)
    if shown.get("Project") != "default":
        raise UIFailure(f"the page shows project {shown.get('Project')!r}, expected 'default'")
    if "path billing" not in shown["Source 1"] or "ref values" not in shown["Source 2"]:
        raise UIFailure(f"the sources are shown as {shown['Source 1']!r} and {shown['Source 2']!r}")
    if "Repository" in shown:
        raise UIFailure("a multi-source application is shown with a single Repository")


def check_preview(d, args):
    d.begin("viewer opens the pull-request previews and sees what the pull request would change")
    d.click_testid("previews-nav")
    row = f'[data-testid="preview-row"][data-number="{args.preview_number}"] [data-testid="preview-link"]'
    d.click(f"pull request #{args.preview_number} is listed and can be opened",
            lambda: next(iter(d.browser.find_elements(By.CSS_SELECTOR, row)), None))
    d.wait("the pull request's page is shown",
           lambda: (e := d.visible("preview-title")) and e.text == f"Pull request #{args.preview_number}")
    section = f'[data-testid="preview-application"][data-name="{args.out_of_sync_app}"]'
    touched = d.wait(f"{args.out_of_sync_app} is previewed",
                     lambda: next(iter(d.browser.find_elements(By.CSS_SELECTOR, section)), None))
    text = "\n".join(diff.text for diff in d.all("diff-text", within=touched))
    if args.preview_contains not in text:
        raise UIFailure(f"the preview's diff does not contain {args.preview_contains!r}; it is:\n{text}")
    untouched = d.shown("preview-untouched", "the untouched applications are listed")
    if args.preview_untouched not in untouched.text:
        raise UIFailure(f"{args.preview_untouched} is not listed as untouched: {untouched.text!r}")
    if args.secret_value and args.secret_value in d.browser.page_source:
        raise UIFailure("a Secret's value appears in the preview; it must be masked")
    d.screenshot(os.path.join(args.screenshots, "preview.png"), full_page=True)
    d.click_testid("previews-back")
    d.shown("preview-table", "the list of pull requests is shown again")
    d.browser.execute_script("location.hash = '#/'")


def outcome(d):
    """The outcome of an action the page shows now: (result text, error text), or None while none
    is shown or the action is still running. An element read just as the page re-renders can be
    shown with no text yet; that is no outcome either."""
    if (e := d.visible("action-result")) and (text := e.text) and not text.endswith("…"):
        return (text, "")
    if (e := d.visible("action-error")) and (text := e.text):
        return ("", text)
    return None


def current_outcome(d):
    """``outcome``, or None when the page re-rendered while it was read."""
    try:
        return outcome(d)
    except WebDriverException:
        return None


def answer(d, what, before):
    """Waits until the page shows the outcome of an action, other than `before` (what it showed
    before the action, which stays on the page until the new outcome replaces it); returns
    (result text, error text)."""
    return d.wait(what, lambda: (now := outcome(d)) and now != before and now)


def sync(d, revision):
    """Clicks Sync, optionally types a revision, confirms; returns (result text, error text)."""
    before = current_outcome(d)
    d.click_testid("sync-button")
    d.shown("confirm-dialog", "the sync confirmation is shown")
    if revision:
        d.visible("sync-revision").send_keys(revision)
    d.click_testid("confirm-ok")
    return answer(d, "the sync answer is shown", before)


def operator_syncs(d, args):
    d.begin("operator logs in in a second tab and opens the application")
    d.browser.switch_to.new_window("tab")
    log_in(d, args.url, args.operator_token, "operator")
    open_application(d, args.out_of_sync_app)
    d.shown("sync-button", "the Sync button is offered to the operator")
    d.shown("refresh-button", "the Refresh button is offered to the operator")
    d.screenshot(os.path.join(args.screenshots, "application.png"), full_page=True)

    d.begin("operator syncs an unknown revision and sees the API's message")
    result, error = sync(d, "no-such-revision-" + str(os.getpid()))
    if not error:
        raise UIFailure(f"syncing an unknown revision showed no error but {result!r}")
    print(f"ui test: error shown: {error}", flush=True)

    d.begin("operator syncs and sees the result")
    result, error = sync(d, None)
    if error:
        raise UIFailure(f"the sync failed: {error}")
    if "Succeeded" not in result:
        raise UIFailure(f"the sync result does not say Succeeded: {result!r}")
    print(f"ui test: result shown: {result}", flush=True)
    d.wait("the page's sync badge turns Synced", lambda: (
        (title := d.browser.find_element(By.CSS_SELECTOR, ".page-title [data-testid=sync-badge]"))
        and title.get_attribute("data-status") == "Synced"))


def operator_rolls_back(d, args, operator_tab):
    d.begin("operator rolls back to the first history entry and sees the result")
    d.browser.switch_to.window(operator_tab)
    d.wait("the sync shows in the history", lambda: len(d.all("history-row")) >= 2)
    before = current_outcome(d)
    d.click_testid("rollback-button", "a Roll back button is offered for the older entry")
    d.shown("confirm-dialog", "the rollback confirmation is shown")
    d.click_testid("confirm-ok")
    result, error = answer(d, "the rollback answer is shown", before)
    if error:
        raise UIFailure(f"the rollback failed: {error}")
    print(f"ui test: result shown: {result}", flush=True)


def viewer_sees(d, args, viewer_tab, status):
    d.begin(f"the viewer's list turns {status} through the event stream, without a reload")
    d.browser.switch_to.window(viewer_tab)
    d.wait(f"{args.out_of_sync_app} shows {status} in the viewer's list",
           lambda: d.rows().get(args.out_of_sync_app, ("", ""))[0] == status)
    if d.browser.execute_script("return window.moorUITestMarker") != "not reloaded":
        raise UIFailure("the viewer's tab was reloaded; the update must come from the event stream")
    received = int(d.visible("connection").get_attribute("data-events") or "0")
    if received < 1:
        raise UIFailure("the connection indicator counted no event")


def check_console(d):
    """Fails on JavaScript errors in the current tab's console (HTTP errors the test provoked excepted)."""
    errors = [entry["message"] for entry in d.browser.get_log("browser")
              if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]]
    if errors:
        raise UIFailure("the browser console shows errors:\n" + "\n".join(errors))


COMMIT_LINKS = {
    "https://github.com/acme/deploy.git": "https://github.com/acme/deploy/commit/",
    "https://user:secret@gitlab.example/group/sub/deploy": "https://gitlab.example/group/sub/deploy/commit/",
    "git@github.com:acme/deploy.git": "https://github.com/acme/deploy/commit/",
    "ssh://git@gitea.example:2222/acme/deploy.git": "https://gitea.example/acme/deploy/commit/",
    "https://bitbucket.org/acme/deploy.git": "https://bitbucket.org/acme/deploy/commits/",
    "file:///srv/git/deploy": None,
    "git://127.0.0.1:9418/deploy": None,
    "/srv/git/deploy": None,
    "javascript:alert(1)//": None,
}


def check_commit_links(d):
    """The page's own link derivation (js/links.js), run in the browser over a table of repository URLs."""
    sha = "0123456789abcdef0123456789abcdef01234567"
    seen = d.browser.execute_async_script(
        "const [urls, sha, done] = arguments;"
        "import('/ui/js/links.js').then((m) => done(urls.map((url) => m.commitURL(url, sha))));",
        list(COMMIT_LINKS), sha)
    for (url, prefix), link in zip(COMMIT_LINKS.items(), seen):
        expected = prefix + sha if prefix else None
        if link != expected:
            raise UIFailure(f"the commit link for {url} is {link!r}, expected {expected!r}")


def run(d, args):
    d.begin("viewer logs in")
    log_in(d, args.url, args.viewer_token, "viewer")
    viewer_tab = d.browser.current_window_handle
    check_list(d, args)
    check_application(d, args)
    d.begin("commit links derive from GitHub, GitLab, Gitea and Bitbucket URLs, and only from those")
    check_commit_links(d)
    check_console(d)
    d.click_testid("back")
    d.wait("the list is shown again", lambda: d.visible("app-table") and args.synced_app in d.rows())
    check_sources(d, args)
    d.click_testid("back")
    d.wait("the list is shown again", lambda: d.visible("app-table") and args.synced_app in d.rows())
    check_preview(d, args)
    d.wait("the list is shown again", lambda: d.visible("app-table") and args.synced_app in d.rows())
    d.browser.execute_script("window.moorUITestMarker = 'not reloaded'")
    operator_syncs(d, args)
    operator_tab = d.browser.current_window_handle
    check_console(d)
    viewer_sees(d, args, viewer_tab, "Synced")
    operator_rolls_back(d, args, operator_tab)
    check_console(d)
    viewer_sees(d, args, viewer_tab, "OutOfSync")
    check_console(d)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the UI's address, e.g. http://127.0.0.1:8080/")
    parser.add_argument("--viewer-token", default=os.environ.get("MOOR_UI_VIEWER_TOKEN"))
    parser.add_argument("--operator-token", default=os.environ.get("MOOR_UI_OPERATOR_TOKEN"))
    parser.add_argument("--out-of-sync-app", required=True, help="an OutOfSync application the operator syncs")
    parser.add_argument("--synced-app", required=True, help="a Synced application (for the filters)")
    parser.add_argument("--tree-kinds", default="", help="comma-separated kinds the object tree must show")
    parser.add_argument("--diff-contains", default="", help="text the diff must contain")
    parser.add_argument("--attribution-contains", default="", help="text an attribution of a drifted field must contain")
    parser.add_argument("--secret-value", default="", help="a Secret value that must not appear anywhere")
    parser.add_argument("--preview-number", required=True, help="a previewed pull request touching --out-of-sync-app")
    parser.add_argument("--preview-contains", required=True, help="text that pull request's diff must contain")
    parser.add_argument("--preview-untouched", required=True, help="an application the pull request does not touch")
    parser.add_argument("--screenshots", required=True, help="directory for list.png and application.png")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for each condition")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()
    if not args.viewer_token or not args.operator_token:
        parser.error("give --viewer-token and --operator-token, or set MOOR_UI_VIEWER_TOKEN and MOOR_UI_OPERATOR_TOKEN")
    args.tree_kinds = [kind for kind in args.tree_kinds.split(",") if kind]
    os.makedirs(args.screenshots, exist_ok=True)
    return args


def main():
    args = arguments()
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,860", "--force-device-scale-factor=1", "--lang=en-US"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = None
    d = None
    try:
        browser = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
        d = Driver(browser, args.timeout)
        run(d, args)
    except (UIFailure, WebDriverException) as error:
        step = d.step if d else "starting the browser"
        message = error.msg if isinstance(error, WebDriverException) else str(error)
        print(f"ui test failed: {step}: {message}", file=sys.stderr, flush=True)
        if browser:
            path = os.path.join(args.screenshots, "failure.png")
            try:
                browser.save_screenshot(path)
                print(f"ui test: the page at the failure is in {path}", file=sys.stderr)
                text = browser.find_element(By.TAG_NAME, "body").text
                print(f"ui test: the page's text at the failure:\n{text[:3000]}", file=sys.stderr)
            except WebDriverException:
                pass
        return 1
    finally:
        if browser:
            browser.quit()
    print("ui test: passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
