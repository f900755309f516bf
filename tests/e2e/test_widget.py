"""The web page (web/) in headless Chromium, talking to the real assistant over socket.io."""
from __future__ import annotations

import functools
import os
import re
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support import ROOT, ChannelServers, server_env

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
WEB = ROOT / "web"
ARTIFACTS = ROOT / "artifacts"
ANSWER_TIMEOUT_MS = 30_000

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); the web page test needs it",
                allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402 - after the skip


def serve_web(port: int, rasa_url: str) -> ThreadingHTTPServer:
    """Serves web/ on 127.0.0.1:port like `make serve`, with config.js pointing at the test's Rasa."""
    config = f'window.MBC_ASSISTANT_CONFIG = {{ server: "{rasa_url}" }};\n'.encode()

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path.split("?")[0] != "/config.js":
                return super().do_GET()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(config)))
            self.end_headers()
            self.wfile.write(config)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(WEB)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def page_url(channel_servers: ChannelServers) -> Iterator[str]:
    subprocess.run(["make", "--no-print-directory", "web-install"], cwd=ROOT, check=True, env=server_env())
    server = serve_web(channel_servers.web_port, channel_servers.servers.url)
    try:
        yield channel_servers.web_origin + "/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(page_url: str) -> Iterator[Page]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_url)
            yield page
            assert not errors, f"JavaScript errors on the page: {errors}"
        finally:
            browser.close()


def ask(page: Page, text: str) -> None:
    page.get_by_label("Your question").fill(text)
    page.get_by_role("button", name="Send").click()


def test_page_says_what_it_is_before_any_message(page: Page) -> None:
    expect(page.get_by_role("heading", name="MBC Info Assistant")).to_be_visible()
    expect(page.get_by_text("not a doctor")).to_be_visible()
    expect(page.get_by_text("In an emergency, call 911 or your local emergency number.")).to_be_visible()
    expect(page.locator("#red-flag-banner")).to_be_hidden()


def test_conversation_with_buttons_and_red_flag_banner(page: Page) -> None:
    bot = page.locator(".message.bot")
    quick_replies = page.locator("button.quick-reply")
    expect(page.get_by_label("Your question")).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)

    ask(page, "what is ibrance")
    expect(bot.filter(has_text="palbociclib").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#red-flag-banner")).to_be_hidden()

    # "Was this helpful?" comes with Yes / No buttons; a click sends the payload and the assistant answers it.
    yes = quick_replies.filter(has_text=re.compile(r"^Yes$"))
    expect(yes).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "widget.png"))
    answers_before = bot.count()
    yes.click()
    expect(yes).to_be_disabled()
    expect(page.locator(".message.user").last).to_have_text("Yes")
    expect(bot).to_have_count(answers_before + 1, timeout=ANSWER_TIMEOUT_MS)

    # A misspelling two medicines could mean: one button each; clicking one answers for that medicine.
    ask(page, "what is letrozol anastrozol")
    choice = quick_replies.filter(has_text=re.compile(r"^letrozole"))
    expect(choice).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    expect(quick_replies.filter(has_text=re.compile(r"^anastrozole"))).to_be_enabled()
    choice.click()
    expect(page.locator(".message.user").last).to_have_text(re.compile(r"^letrozole"))
    expect(bot.filter(has_text=re.compile("aromatase", re.I)).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(bot.filter(has_text="Was this helpful?")).to_have_count(2, timeout=ANSWER_TIMEOUT_MS)

    # A red flag: the banner shows, and stays in view however long the conversation is.
    ask(page, "I can't breathe")
    banner = page.locator("#red-flag-banner")
    expect(banner).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(banner).to_have_text("This may be an emergency: call 911 now")
    expect(page.locator("#amber-banner")).to_be_hidden()
    expect(banner).to_be_in_viewport()
    expect(bot.filter(has_text="911").last).to_be_in_viewport()
    expect(quick_replies.filter(has_text=re.compile(r"^Yes$")).last).to_be_disabled()  # old buttons are spent
    page.screenshot(path=str(ARTIFACTS / "red_flag_banner.png"))


def test_each_visitor_gets_an_unguessable_session_id(page: Page, page_url: str,
                                                    channel_servers: ChannelServers) -> None:
    """Two visits are two conversations, each under a random UUID (as Rasa's tracker store saw them)."""
    before = conversation_ids(channel_servers)
    for _ in range(2):
        page.goto(page_url)
        ask(page, "hello")
        expect(page.locator(".message.bot").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    deadline = time.monotonic() + 10  # the tracker is saved just after the answer is sent
    while len(new := conversation_ids(channel_servers) - before) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(new) == 2, new
    assert all(UUID4.fullmatch(sender) for sender in new), new


UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def conversation_ids(channel_servers: ChannelServers) -> set[str]:
    with closing(sqlite3.connect(channel_servers.servers.tracker_db)) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


def test_the_delete_this_chat_link_asks_then_deletes_the_conversation(page: Page,
                                                                      channel_servers: ChannelServers) -> None:
    """privacy (issue 16): the small link sends the request; "Yes, delete it" removes every event of the visit."""
    before = conversation_ids(channel_servers)
    bot = page.locator(".message.bot")
    expect(page.get_by_label("Your question")).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    ask(page, "what is letrozole")
    expect(bot.filter(has_text="letrozole").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    deadline = time.monotonic() + 10
    while not (new := conversation_ids(channel_servers) - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    (sender,) = new
    assert events_of(channel_servers, sender) > 0

    page.get_by_role("button", name="Delete this chat").click()
    yes = page.locator("button.quick-reply").filter(has_text=re.compile(r"^Yes, delete it$"))
    expect(yes).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("button.quick-reply").filter(has_text=re.compile(r"^No, keep it$"))).to_be_enabled()
    page.screenshot(path=str(ARTIFACTS / "delete_chat.png"))
    yes.click()
    expect(bot.filter(has_text="I deleted this conversation")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    deadline = time.monotonic() + 10
    while events_of(channel_servers, sender) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert events_of(channel_servers, sender) == 0


def events_of(channel_servers: ChannelServers, sender: str) -> int:
    with closing(sqlite3.connect(channel_servers.servers.tracker_db)) as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
