// The embeddable assistant: one script tag on a clinic's page puts a launcher button on it that opens the chat.
//
//   <script src="https://assistant.example.org/widget.js" defer
//           data-care-team-number="555-0100" data-emergency-number="911" data-lang="en"
//           data-position="right" data-color="#5b2a86"></script>
//
// data-server: where the chat page is hosted (default: the folder widget.js comes from).
// The launcher and the panel live in a shadow root (the clinic's CSS can't restyle them, and theirs can't
// leak out); the chat itself is the hosted page (index.html?embed=1) in an iframe, so that it keeps its own
// origin, CSS, CSP and storage: the server accepts only that origin (WEB_ORIGINS), the transcript survives
// the clinic's page changes (the frame's sessionStorage), and nothing of the clinic's page can read it.
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || window.MBCAssistantWidget) return;
  const data = script.dataset;
  const base = new URL(data.server || "./", script.src);
  const page = new URL("index.html", base);
  page.searchParams.set("embed", "1");
  if (data.lang) page.searchParams.set("lang", data.lang);
  if (data.careTeamNumber) page.searchParams.set("care", data.careTeamNumber);
  if (data.emergencyNumber) page.searchParams.set("emergency", data.emergencyNumber);
  const OPEN_KEY = "mbc-assistant-widget:open"; // in the clinic's sessionStorage: is the panel open
  const COLOR = /^#[0-9a-f]{3,8}$/i.test(data.color || "") ? data.color : "#5b2a86"; // theme.css --mbc-primary
  const LEFT = data.position === "left";

  const STYLE = `
    :host { all: initial; }
    * { box-sizing: border-box; }
    [hidden] { display: none !important; }
    .launcher {
      position: fixed; ${LEFT ? "left" : "right"}: 1rem; bottom: 1rem; z-index: 2147483000;
      display: inline-flex; align-items: center; gap: .5rem; min-height: 3.25rem; max-width: calc(100vw - 2rem);
      padding: .5rem 1.1rem; border: 2px solid #fff; border-radius: 1.75rem; background: ${COLOR}; color: #fff;
      font: 600 1rem/1.25 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; cursor: pointer;
      box-shadow: 0 .25rem 1rem rgba(0, 0, 0, .3);
    }
    .launcher svg { flex: none; width: 1.5rem; height: 1.5rem; fill: currentColor; }
    .launcher:focus-visible { outline: 3px solid #0b57d0; outline-offset: 3px; box-shadow: 0 0 0 7px #fff; }
    .badge { min-width: 1.5rem; padding: 0 .4rem; border-radius: .75rem; background: #fff; color: #7a0b0b;
      font-size: .875rem; text-align: center; }
    .panel {
      position: fixed; ${LEFT ? "left" : "right"}: 1rem; bottom: 5.25rem; z-index: 2147483001;
      width: min(26rem, calc(100vw - 2rem)); height: min(42rem, calc(100vh - 6.5rem));
      border-radius: 1rem; overflow: hidden; background: #fff; box-shadow: 0 .5rem 2rem rgba(0, 0, 0, .35);
    }
    .panel iframe { display: block; width: 100%; height: 100%; border: 0; }
    @media (max-width: 600px), (max-height: 520px) {
      .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; }
      .open .launcher { display: none; }
    }
    @media (forced-colors: active) { .launcher, .panel { border: 2px solid ButtonText; } }
  `;

  function start() {
    const all = window.MBC_ASSISTANT_STRINGS || {};
    const S = all[data.lang] || all.en || {};
    const say = (key, vars) => String(S[key] || data.label || "")
      .replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));

    const host = document.createElement("div");
    host.setAttribute("data-mbc-assistant", "");
    const root = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = STYLE;
    const wrapper = document.createElement("div");

    const launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "mbc-panel"); // its name is its visible text (WCAG 2.5.3)
    const svgNs = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(svgNs, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(svgNs, "path");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    icon.appendChild(path);
    const label = document.createElement("span");
    label.textContent = say("launcher");
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.hidden = true;
    launcher.append(icon, label, badge);

    const panel = document.createElement("div");
    panel.className = "panel";
    panel.id = "mbc-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", say("frameTitle"));
    panel.hidden = true;

    wrapper.append(launcher, panel);
    root.append(style, wrapper);
    document.body.appendChild(host);

    let frame = null;
    let frameReady = false;
    let focusOnReady = false;

    function remember(open) {
      try {
        window.sessionStorage.setItem(OPEN_KEY, open ? "1" : "0");
      } catch (error) {
        /* storage blocked: the panel just starts closed on the next page */
      }
    }

    function post(message) {
      if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, page.origin);
    }

    function open(focus) {
      if (!frame) {
        frame = document.createElement("iframe");
        frame.title = say("frameTitle");
        frame.src = page.href;
        frame.referrerPolicy = "strict-origin";
        frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups "
          + "allow-popups-to-escape-sandbox allow-top-navigation-to-custom-protocols");
        panel.appendChild(frame);
      }
      panel.hidden = false;
      wrapper.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      label.textContent = say("launcherClose");
      badge.hidden = true;
      remember(true);
      if (frameReady) {
        if (focus) frame.focus({ preventScroll: true });
        post({ type: "mbc:opened", focus });
      } else {
        focusOnReady = focus;
      }
    }

    function close(focusLauncher) {
      panel.hidden = true;
      wrapper.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      label.textContent = say("launcher");
      remember(false);
      post({ type: "mbc:closed" });
      if (focusLauncher) launcher.focus({ preventScroll: true });
    }

    launcher.addEventListener("click", () => (panel.hidden ? open(true) : close(true)));
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden) close(true);
    });
    window.addEventListener("message", (event) => {
      if (!frame || event.source !== frame.contentWindow || event.origin !== page.origin) return;
      const message = event.data || {};
      if (message.type === "mbc:ready") {
        frameReady = true;
        if (!panel.hidden) {
          if (focusOnReady) frame.focus({ preventScroll: true });
          post({ type: "mbc:opened", focus: focusOnReady });
        }
        focusOnReady = false;
      } else if (message.type === "mbc:close") {
        close(true);
      } else if (message.type === "mbc:unread" && panel.hidden && Number(message.count) > 0) {
        badge.textContent = say("unread", { count: Number(message.count) });
        badge.hidden = false;
      }
    });

    let wasOpen = false;
    try {
      wasOpen = window.sessionStorage.getItem(OPEN_KEY) === "1";
    } catch (error) {
      /* no storage: starts closed */
    }
    if (wasOpen) open(false); // a page change with the chat open: open again, without taking the focus

    window.MBCAssistantWidget = { open: () => open(true), close: () => close(false) };
  }

  function whenReady() {
    if (document.body) start();
    else document.addEventListener("DOMContentLoaded", start, { once: true });
  }

  if (window.MBC_ASSISTANT_STRINGS) {
    whenReady();
  } else {
    const strings = document.createElement("script");
    strings.src = new URL("strings.js", base).href;
    strings.async = true;
    strings.onload = whenReady;
    strings.onerror = whenReady;
    document.head.appendChild(strings);
  }
  window.MBCAssistantWidget = window.MBCAssistantWidget || {};
})();
