"""The embeddable widget (web/widget.js) on the demo clinic page (web/demo/), served from another origin (issue 25).

One script tag: a launcher opens the chat (the hosted page in an iframe, inside a shadow root); it chats with the
real assistant, survives a page change of the clinic's site, closes with Esc, and leaves the clinic's styles,
focus and scroll position untouched. axe-core on the clinic page and inside the chat.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Frame, Page, expect
from test_widget import (  # noqa: F401 - browser, visits and widget_servers are fixtures
    ANSWER_TIMEOUT_MS,
    VIEWPORTS,
    Visit,
    WidgetServers,
    ask,
    assert_accessible,
    browser,
    connected,
    open_visit,
    shot,
    visits,
    wait_for_turn,
    widget_servers,
)

HOST_LOOK = """() => {
    const header = getComputedStyle(document.querySelector("header"));
    const body = getComputedStyle(document.body);
    return {header: header.backgroundColor, headerFont: header.fontFamily, bodyFont: body.fontFamily,
            body: body.backgroundColor, button: getComputedStyle(document.querySelector("main")).padding};
}"""


def chat_frame(page: Page) -> Frame:
    frame = page.frame_locator('[data-mbc-assistant] >> iframe')
    expect(frame.locator("#send")).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    return next(f for f in page.frames if f.parent_frame is not None and "embed=1" in f.url)


def launcher(page: Page):
    return page.locator("[data-mbc-assistant] button.launcher")


def panel(page: Page):
    return page.locator("[data-mbc-assistant] .panel")


@pytest.mark.parametrize("name", ["desktop-1280x800", "phone-390x844"])
def test_one_script_tag_puts_the_chat_on_a_clinic_page(name: str, browser: Browser, visits: list[Visit],  # noqa: F811
                                                       widget_servers: WidgetServers) -> None:  # noqa: F811 - fixtures
    viewport = VIEWPORTS[name]
    # The clinic page without the assistant: its own look, for comparison.
    bare = open_visit(visits, browser, widget_servers.host_origin + "/index.html", viewport).page
    bare.route("**/widget.js", lambda route: route.abort())
    bare.reload()
    look = bare.evaluate(HOST_LOOK)

    visit = open_visit(visits, browser, widget_servers.host_origin + "/index.html", viewport)
    page = visit.page
    expect(launcher(page)).to_be_visible()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    assert page.evaluate(HOST_LOOK) == look  # nothing of the widget's CSS reaches the clinic's page
    assert page.evaluate("() => document.activeElement === document.body")  # no focus taken on load
    page.evaluate("() => window.scrollTo(0, 120)")
    scroll = page.evaluate("() => window.scrollY")
    shot(page, f"embed-{name}-01-launcher")
    assert_accessible(page, widget_servers.web_origin)

    launcher(page).click()
    expect(panel(page)).to_be_visible()
    frame = chat_frame(page)
    if viewport["width"] < 600:  # full screen on a phone
        box = panel(page).bounding_box()
        assert box == {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"]}, box
    connected(frame)
    ask(frame, "hello")
    wait_for_turn(frame, 1)
    expect(frame.locator(".message.user")).to_have_count(1)
    assert page.evaluate("() => window.scrollY") == scroll
    assert page.evaluate(HOST_LOOK) == look
    shot(page, f"embed-{name}-02-open-chatting")
    assert_accessible(frame, widget_servers.web_origin)

    # A page change on the clinic's site: the panel opens again, with the conversation, without taking focus.
    if viewport["width"] < 600:
        frame.locator("#close").click()
        expect(panel(page)).to_be_hidden()
        page.get_by_role("link", name="Your visit").click()
        expect(launcher(page)).to_be_visible()
        expect(panel(page)).to_be_hidden()
        launcher(page).click()
    else:
        page.get_by_role("link", name="Your visit").click()
        expect(page.get_by_role("heading", name="Your visit")).to_be_visible()
        expect(panel(page)).to_be_visible()
        assert page.evaluate("() => document.activeElement === document.body")
    frame = chat_frame(page)
    expect(frame.locator(".message.user")).to_have_count(1)
    expect(frame.locator(".message.user")).to_have_text("You said: hello")
    assert page.evaluate(HOST_LOOK) == look
    shot(page, f"embed-{name}-03-after-page-change")

    # Esc closes it and gives the focus back to the launcher.
    frame.locator("#message").focus()
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    shot(page, f"embed-{name}-04-closed")
