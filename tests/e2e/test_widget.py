"""The web chat (web/) in headless Chromium, talking to the real assistant over socket.io (issue 25).

Phone and desktop viewports: the first line of each new answer in view, the conversation >= 40 % of the screen with
the urgency banner, no sideways scroll at 320 px, the transcript kept across a reload and cleared by "Delete chat",
a hung server -> "Not delivered" and a working resend; axe-core (web/node_modules, pinned) finds no WCAG 2.1 A/AA
violation in any state. Screenshots of each state go to artifacts/widget/.

The tests never check the wording of an answer: the trained model may change under them. They read the reply's
meta payload (socket.io frames) for urgency. They start Rasa on a copy of the newest model in models/ and never
train (CI's `make unit` trains first).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import closing, suppress
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.ops.processes import free_port, server_env
from tests.support import ROOT, Servers

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
WEB = ROOT / "web"
ARTIFACTS = ROOT / "artifacts" / "widget"
ANSWER_TIMEOUT_MS = 30_000
REPLY_TIMEOUT_MS = 4_000  # the page's "Not delivered" timeout in these tests (config.js: replyTimeoutMs)
MODEL_WAIT_S = 900  # the model may be mid-rebuild: wait this long for one
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {
    "phone-390x844": {"width": 390, "height": 844},
    "phone-375x667": {"width": 375, "height": 667},
    "phone-320x568": {"width": 320, "height": 568},
    "desktop-1280x800": {"width": 1280, "height": 800},
}
KEYBOARD_OPEN = {"width": 390, "height": 430}  # about what a phone shows above its on-screen keyboard
DEMO_PLACEHOLDER = b"http://127.0.0.1:8080"  # the assistant's address in web/demo/*.html (make serve's)

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); the web page test needs it",
                allow_module_level=True)

from playwright.sync_api import Browser, Frame, Page, expect, sync_playwright  # noqa: E402 - after the skip


def _load_web_serve():
    """web/serve.py (the page's static server, with the frame-ancestors header): not a package, so by path."""
    spec = importlib.util.spec_from_file_location("web_serve", WEB / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


handler = _load_web_serve().handler


# ---- servers ---------------------------------------------------------------------------------------------------------

def newest_model() -> Path:
    """The newest finished model in models/ (its size steady for 3 s), waiting while none is there."""
    deadline = time.monotonic() + MODEL_WAIT_S
    while True:
        models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if models:
            size = models[-1].stat().st_size
            time.sleep(3)
            if models[-1].exists() and models[-1].stat().st_size == size:
                return models[-1]
        elif time.monotonic() > deadline:
            raise RuntimeError("no trained model in models/ (make train)")
        else:
            time.sleep(10)


class WidgetServers:
    """Rasa (REST + socket.io) and its action server on a copy of the model; web/ on one port (the assistant's
    page) and web/demo on another (a clinic's site embedding it)."""

    def __init__(self, workdir: Path) -> None:
        self.web_port, self.host_port = free_port(), free_port()
        model = workdir / "model.tar.gz"
        shutil.copy(newest_model(), model)  # a rebuild of models/ during the run changes nothing here
        origins = f"{self.web_origin},{self.host_origin}"
        # One setting names where the assistant may appear: socket.io's accepted origins and web/serve.py's
        # frame-ancestors both read WEB_ORIGINS.
        self.rasa = Servers(workdir, ROOT / "credentials.yml", {"WEB_ORIGINS": origins},
                            ["--cors", self.web_origin], model=model)
        config = (f'window.MBC_ASSISTANT_CONFIG = {{ server: "{self.rasa.url}", '
                  f'replyTimeoutMs: {REPLY_TIMEOUT_MS}, storage: "session" }};\n').encode()
        self.web = ThreadingHTTPServer(("127.0.0.1", self.web_port), handler(WEB, config, origins))
        self.host = ThreadingHTTPServer(("127.0.0.1", self.host_port), demo_handler(self.web_origin))

    @property
    def web_origin(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def host_origin(self) -> str:
        return f"http://127.0.0.1:{self.host_port}"

    @property
    def page_url(self) -> str:
        return self.web_origin + "/"

    def start(self) -> None:
        for server in (self.web, self.host):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.rasa.start_actions()
        self.rasa.start_rasa()

    def stop(self) -> None:
        self.rasa.stop_all()
        for server in (self.web, self.host):
            server.shutdown()
            server.server_close()

    def conversation_ids(self) -> set[str]:
        with closing(sqlite3.connect(self.rasa.tracker_db)) as db:
            return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}

    def events_of(self, sender: str) -> int:
        with closing(sqlite3.connect(self.rasa.tracker_db)) as db:
            return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


def demo_handler(web_origin: str):
    """web/demo, with the assistant's address in its script tag pointing at the test's web server."""
    base = handler(WEB / "demo")

    class Demo(base.func):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = WEB / "demo" / self.path.split("?")[0].lstrip("/")
            if path.suffix != ".html" or not path.is_file():
                return super().do_GET()
            body = path.read_bytes().replace(DEMO_PLACEHOLDER, web_origin.encode())
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return lambda *args, **kwargs: Demo(*args, directory=str(WEB / "demo"), **kwargs)


_RUNNING: dict[str, WidgetServers] = {}


@pytest.fixture(scope="session")
def widget_servers(tmp_path_factory, request) -> Iterator[WidgetServers]:
    """One set of servers for every widget test module (each imports this fixture)."""
    web_install()
    if "servers" not in _RUNNING:
        running = WidgetServers(tmp_path_factory.mktemp("widget"))
        running.start()
        _RUNNING["servers"] = running
        request.session.addfinalizer(lambda: _RUNNING.pop("servers").stop())
    yield _RUNNING["servers"]


def web_install() -> None:
    """`make web-install` (npm ci in web/: socket.io-client and axe-core)."""
    subprocess.run(["make", "--no-print-directory", "web-install"], cwd=ROOT, check=True, env=server_env())


# ---- browser ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Visit:
    """A browser tab (its own context: its own sessionStorage) at a viewport, recording page errors and the
    socket.io frames it receives."""

    def __init__(self, browser: Browser, viewport: dict, mobile: bool | None = None) -> None:
        phone = viewport["width"] < 600 if mobile is None else mobile
        self.context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.received: list[str] = []
        self.sent: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("websocket", self._watch)

    def _watch(self, socket) -> None:
        socket.on("framereceived", lambda payload: self.received.append(str(payload)))
        socket.on("framesent", lambda payload: self.sent.append(str(payload)))

    def close(self) -> None:
        self.context.close()
        assert not self.errors, f"JavaScript errors on the page: {self.errors}"

    def urgencies(self) -> list[str]:
        """meta.urgency of every reply received so far, in order."""
        return re.findall(r'"urgency":\s*"(\w+)"', "\n".join(self.received))


@pytest.fixture
def visits(browser: Browser) -> Iterator[list[Visit]]:
    opened: list[Visit] = []
    yield opened
    for visit in opened:
        visit.close()


def open_visit(visits: list[Visit], browser: Browser, url: str, viewport: dict, mobile: bool | None = None) -> Visit:
    visit = Visit(browser, viewport, mobile)
    visits.append(visit)
    visit.page.goto(url)
    return visit


def connected(page: Page | Frame) -> None:
    expect(page.locator("#send")).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)


def ask(page: Page | Frame, text: str) -> None:
    page.locator("#message").fill(text)
    page.locator("#send").click()


def wait_for_turn(page: Page | Frame, bots_before: int) -> None:
    """Until a reply has come and the turn is over (no message for a second, no typing indicator)."""
    bots = page.locator(".message.bot")
    expect(bots).not_to_have_count(bots_before, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".typing")).to_have_count(0, timeout=ANSWER_TIMEOUT_MS)
    count, steady_since = -1, time.monotonic()
    while time.monotonic() - steady_since < 1.0:
        now = bots.count()
        if now != count:
            count, steady_since = now, time.monotonic()
        time.sleep(0.1)


def bot_count(page: Page | Frame) -> int:
    return page.locator(".message.bot").count()


def first_line_in_view(page: Page | Frame, index: int) -> dict:
    """Where the first line of bot message `index` is, relative to the conversation's visible box."""
    return page.locator(".message.bot").nth(index).evaluate("""(bubble) => {
        const log = document.getElementById("messages").getBoundingClientRect();
        const box = bubble.getBoundingClientRect();
        const line = parseFloat(getComputedStyle(bubble).lineHeight);
        return {top: box.top - log.top, lineBottom: box.top + line - log.top, logHeight: log.height,
                inViewport: box.top >= 0 && box.top + line <= window.innerHeight};
    }""")


def assert_answer_start_in_view(page: Page | Frame, index: int) -> None:
    where = first_line_in_view(page, index)
    assert where["top"] >= 0 and where["lineBottom"] <= where["logHeight"] and where["inViewport"], where


def layout(page: Page) -> dict:
    return page.evaluate("""() => ({
        log: document.getElementById("messages").getBoundingClientRect().height,
        viewport: window.innerHeight,
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
    })""")


def axe_violations(page: Page | Frame, origin: str) -> list[dict]:
    """axe-core from web/node_modules (a 'self' script, allowed by the page's CSP), WCAG 2.1 A and AA rules."""
    page.add_script_tag(url=f"{origin}/node_modules/axe-core/axe.min.js")
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target)}));
    }""", AXE_TAGS)


def assert_accessible(page: Page | Frame, origin: str) -> None:
    violations = axe_violations(page, origin)
    assert violations == [], json.dumps(violations, indent=1)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def quick_reply_by_payload(page: Page | Frame, payload: str):
    return page.locator(f'button.quick-reply[data-payload="{payload}"]')


def urgent_turn(visit: Visit) -> str:
    """Sends messages that the safety layer treats as urgent until a reply's meta says so; returns the level."""
    page = visit.page
    for text in ("I can't breathe", "i have a fever of 101 on chemo", "I have chest pain"):
        before, seen = bot_count(page), len(visit.urgencies())
        ask(page, text)
        wait_for_turn(page, before)
        assert_answer_start_in_view(page, before)
        levels = [level for level in visit.urgencies()[seen:] if level != "none"]
        if levels:
            return levels[-1]
    raise AssertionError(f"no urgent reply: {visit.urgencies()}")


# ---- tests -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_first_screen_says_what_it_is_and_offers_questions(name: str, browser: Browser, visits: list[Visit],
                                                           widget_servers: WidgetServers) -> None:
    visit = open_visit(visits, browser, widget_servers.page_url, VIEWPORTS[name])
    page = visit.page
    connected(page)
    expect(page.get_by_role("heading", name="MBC Info Assistant")).to_be_visible()
    expect(page.locator("#notice")).to_contain_text("not a doctor", ignore_case=True)
    expect(page.locator('#notice a[href="tel:911"]')).to_be_visible()
    expect(page.locator(".message.bot.welcome")).to_be_visible()
    expect(page.locator(".suggestions button.quick-reply")).to_have_count(4)
    expect(page.locator("#red-flag-banner")).to_be_hidden()
    expect(page.get_by_role("log")).to_have_attribute("tabindex", "0")
    expect(page.get_by_role("textbox", name="Your question")).to_be_visible()
    sizes = layout(page)
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes
    # Type in rem: a larger browser text size makes the answers larger too.
    bubble = page.locator(".message.bot.welcome")
    normal = float(bubble.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)"))
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert float(bubble.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")) == pytest.approx(2 * normal)
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    shot(page, f"{name}-01-first-screen")
    assert_accessible(page, widget_servers.web_origin)


@pytest.mark.parametrize("name", [*VIEWPORTS, "keyboard-390x430"])
def test_answers_show_from_their_start_and_the_banner_leaves_room(name: str, browser: Browser, visits: list[Visit],
                                                                  widget_servers: WidgetServers) -> None:
    viewport = VIEWPORTS.get(name, KEYBOARD_OPEN)
    visit = open_visit(visits, browser, widget_servers.page_url, viewport, mobile=viewport["width"] < 600)
    page = visit.page
    connected(page)

    # A suggested question, chosen with the keyboard: focus stays on it, and the answer shows from its start.
    suggestion = page.locator(".suggestions button.quick-reply").first
    suggestion.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".message.user")).to_have_count(1)
    wait_for_turn(page, 1)
    assert_answer_start_in_view(page, 1)
    shot(page, f"{name}-02-answer")

    for question in ("what is ibrance", "how is metastatic breast cancer treated"):
        before = bot_count(page)
        ask(page, question)
        wait_for_turn(page, before)
        assert_answer_start_in_view(page, before)
    expect(page.locator("#intro")).to_be_hidden()  # the header is compact once the conversation started
    expect(page.locator("#notice")).to_be_visible()
    shot(page, f"{name}-03-conversation")
    assert_accessible(page, widget_servers.web_origin)

    level = urgent_turn(visit)
    banner = page.locator(f'.banner[data-level="{level}"]')
    expect(banner).to_be_visible()
    expect(banner).to_be_in_viewport()
    sizes = layout(page)
    assert sizes["log"] >= 0.4 * sizes["viewport"], sizes
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes
    shot(page, f"{name}-04-urgency-banner")
    assert_accessible(page, widget_servers.web_origin)


def test_focus_stays_on_a_chosen_quick_reply(browser: Browser, visits: list[Visit],
                                             widget_servers: WidgetServers) -> None:
    page = open_visit(visits, browser, widget_servers.page_url, VIEWPORTS["desktop-1280x800"]).page
    connected(page)
    choice = page.locator(".suggestions button.quick-reply").nth(1)
    choice.focus()
    page.keyboard.press("Enter")
    wait_for_turn(page, 1)
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == choice.inner_text()
    expect(choice).to_have_attribute("aria-disabled", "true")


def test_reload_keeps_the_conversation_and_delete_clears_screen_and_storage(
        browser: Browser, visits: list[Visit], widget_servers: WidgetServers) -> None:
    visit = open_visit(visits, browser, widget_servers.page_url, VIEWPORTS["phone-390x844"])
    page = visit.page
    connected(page)
    ask(page, "what is letrozole")
    wait_for_turn(page, 1)
    level = urgent_turn(visit)
    session = page.evaluate("() => window.MBCAssistant.sessionId()")
    transcript = page.locator("#messages .message").all_inner_texts()

    page.reload()
    connected(page)
    assert page.evaluate("() => window.MBCAssistant.sessionId()") == session
    assert page.locator("#messages .message").all_inner_texts() == transcript
    expect(page.locator(f'.banner[data-level="{level}"]')).to_be_visible()
    shot(page, "phone-390x844-05-after-reload")
    # The same conversation goes on on the server: the next question lands under the same id.
    before = bot_count(page)
    ask(page, "hello")
    wait_for_turn(page, before)
    assert session in widget_servers.conversation_ids()

    page.get_by_role("button", name="Delete chat").click()
    confirm = quick_reply_by_payload(page, "/confirm_delete_conversation")
    expect(confirm).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    shot(page, "phone-390x844-06-delete-confirm")
    confirm.click()
    expect(page.locator(".message.note")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#messages .message.user")).to_have_count(0)
    expect(page.locator("#messages .message.bot:not(.welcome)")).to_have_count(0)
    expect(page.locator(".banner:visible")).to_have_count(0)
    new_session = page.evaluate("() => window.MBCAssistant.sessionId()")
    assert new_session != session
    stored = page.evaluate("() => JSON.parse(sessionStorage.getItem('mbc-assistant:v1'))")
    assert stored["entries"] == [] and stored["urgency"] == "none" and session not in json.dumps(stored)
    deadline = time.monotonic() + 10
    while widget_servers.events_of(session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert widget_servers.events_of(session) == 0
    shot(page, "phone-390x844-07-deleted")
    assert_accessible(page, widget_servers.web_origin)
    page.reload()
    connected(page)
    expect(page.locator("#messages .message.user")).to_have_count(0)


def test_a_hung_server_gives_not_delivered_and_resend_works(browser: Browser, visits: list[Visit],
                                                             widget_servers: WidgetServers) -> None:
    visit = open_visit(visits, browser, widget_servers.page_url, VIEWPORTS["phone-375x667"])
    page = visit.page
    connected(page)
    rasa = widget_servers.rasa.rasa
    os.kill(rasa.pid, signal.SIGSTOP)
    try:
        ask(page, "hello")
        failed = page.locator(".delivery")
        expect(failed).to_be_visible(timeout=REPLY_TIMEOUT_MS + 5_000)
        expect(page.locator(".message.user.failed")).to_have_count(1)
        expect(page.locator(".typing")).to_have_count(0)
        shot(page, "phone-375x667-08-not-delivered")
        assert_accessible(page, widget_servers.web_origin)
        sent_before = sum('"user_uttered"' in frame for frame in visit.sent)
        failed.get_by_role("button").click()
        expect(failed).to_have_count(0)  # pending again
        assert sum('"user_uttered"' in frame for frame in visit.sent) == sent_before + 1
    finally:
        os.kill(rasa.pid, signal.SIGCONT)
    wait_for_turn(page, 1)
    expect(page.locator(".delivery")).to_have_count(0)
    expect(page.locator(".message.user")).to_have_count(1)  # resending doesn't repeat the question
    shot(page, "phone-375x667-09-resent")


def test_each_visitor_gets_an_unguessable_session_id(browser: Browser, visits: list[Visit],
                                                     widget_servers: WidgetServers) -> None:
    """Two visitors (two browser tabs) are two conversations, each under a random UUID, as the tracker store saw."""
    before = widget_servers.conversation_ids()
    for _ in range(2):
        page = open_visit(visits, browser, widget_servers.page_url, VIEWPORTS["desktop-1280x800"]).page
        connected(page)
        ask(page, "hello")
        wait_for_turn(page, 1)
    deadline = time.monotonic() + 10  # the tracker is saved just after the answer is sent
    while len(new := widget_servers.conversation_ids() - before) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(new) == 2, new
    assert all(UUID4.fullmatch(sender) for sender in new), new


UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_links_in_answers_are_links_and_never_html(browser: Browser, visits: list[Visit],
                                                   widget_servers: WidgetServers) -> None:
    page = open_visit(visits, browser, widget_servers.page_url, VIEWPORTS["desktop-1280x800"]).page
    links = page.evaluate("""() => {
        const box = document.createElement("div");
        window.MBCAssistant.appendWithLinks(box, 'See cancer.gov (or https://www.cancer.org/x?y=1). '
          + 'Call 1-800-227-2345 or 988, or 911. <img src=x onerror="window.pwned=1"> javascript:alert(1) <a href="https://evil">x</a>');
        return {html: box.innerHTML, images: box.querySelectorAll("img").length,
                links: [...box.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href")])};
    }""")
    assert links["images"] == 0 and "<img" not in links["html"]
    assert links["links"] == [
        ["cancer.gov", "https://cancer.gov/"], ["https://www.cancer.org/x?y=1", "https://www.cancer.org/x?y=1"],
        ["1-800-227-2345", "tel:18002272345"], ["988", "tel:988"], ["911", "tel:911"],
        ["https://evil", "https://evil/"],  # a URL in the text is a link; the markup around it stays text
    ], links
    with suppress(Exception):
        assert not page.evaluate("() => window.pwned")
