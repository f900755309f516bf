// The chat page: talks to Rasa's socket.io channel with socket.io-client (from node_modules).
// Text is always inserted as text (never as HTML); links are built as elements from checked parts.
// The session id and the transcript live in sessionStorage (closing the browser forgets them);
// "Delete chat" clears the screen, that copy and the server's.
(function () {
  "use strict";

  const config = window.MBC_ASSISTANT_CONFIG || {};
  const allStrings = window.MBC_ASSISTANT_STRINGS || {};
  const params = new URLSearchParams(window.location.search);
  const embedded = params.get("embed") === "1" && window.parent !== window;
  const lang = [params.get("lang"), config.lang, "en"].find((l) => l && allStrings[l]);
  const S = allStrings[lang] || {};
  const PHONE = /^\+?[0-9][0-9 ().-]{1,19}$/;
  // The numbers the embed tag may set (widget.js passes them on); only inside a frame, and only a phone number.
  const framed = (name) => (embedded && PHONE.test(params.get(name) || "") ? params.get(name) : "");
  const emergencyNumber = framed("emergency") || config.emergencyNumber || S.emergencyNumber || "911";
  const careTeamNumber = framed("care") || config.careTeamNumber || "";
  const serverUrl = config.server || "http://127.0.0.1:5005";
  const replyTimeoutMs = Number(config.replyTimeoutMs) || 20000;
  const STORE_KEY = "mbc-assistant:v1";
  const MAX_ENTRIES = 300;
  // Payloads the page knows (domain.yml): the "Delete chat" request and its confirmation button.
  const DELETE_PAYLOAD = "/delete_conversation";
  const CONFIRM_DELETE_PAYLOAD = "/confirm_delete_conversation";
  const URGENCY = ["emergency", "red", "amber"]; // most urgent first
  const TURN_QUIET_MS = 700; // a turn's messages come in a burst; this long without one ends it

  const $ = (id) => document.getElementById(id);
  const chat = $("chat");
  const messages = $("messages");
  const connection = $("connection");
  const connectionText = $("connection-text");
  const retryButton = $("retry");
  const form = $("composer");
  const input = $("message");
  const sendButton = $("send");
  const deleteButton = $("delete-chat");
  const closeButton = $("close");
  const title = $("title");

  // ---- strings -------------------------------------------------------------------------------------

  /** A string with its {placeholders} filled, as plain text. */
  function text(key, vars) {
    const template = S[key] == null ? key : String(S[key]);
    return template.replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
  }

  /** Fills an element with a string; {emergency} and {careTeam} become tap-to-call links. */
  function fill(element, key, vars) {
    const numbers = { emergency: emergencyNumber, careTeam: careTeamNumber };
    const template = S[key] == null ? key : String(S[key]);
    element.textContent = "";
    for (const part of template.split(/(\{\w+\})/)) {
      const name = /^\{(\w+)\}$/.exec(part);
      if (name && numbers[name[1]]) element.appendChild(telLink(numbers[name[1]]));
      else if (name && vars && name[1] in vars) element.appendChild(document.createTextNode(String(vars[name[1]])));
      else if (part) element.appendChild(document.createTextNode(part));
    }
  }

  function telLink(number) {
    const link = document.createElement("a");
    link.href = "tel:" + number.replace(/[^0-9+]/g, "");
    link.textContent = number;
    return link;
  }

  function applyStrings() {
    document.documentElement.lang = S.lang || lang || "en";
    document.documentElement.dir = S.dir || "ltr";
    document.title = text("pageTitle");
    for (const el of document.querySelectorAll("[data-text]")) fill(el, el.dataset.text);
    for (const el of document.querySelectorAll("[data-label]")) el.setAttribute("aria-label", text(el.dataset.label));
    for (const el of document.querySelectorAll("[data-placeholder]")) el.placeholder = text(el.dataset.placeholder);
    if (careTeamNumber) {
      fill($("urgent-banner").firstElementChild, "bannerRedWithNumber");
      fill($("amber-banner").firstElementChild, "bannerAmberWithNumber");
    }
  }

  // ---- links in answers ----------------------------------------------------------------------------

  const shortNumbers = [emergencyNumber, ...(S.shortNumbers || [])].filter((n) => /^[0-9]{3,6}$/.test(n));
  const LINK = new RegExp(
    [
      String.raw`https?:\/\/[^\s<>"']+`,                                         // a URL
      String.raw`\b(?:[a-z0-9-]+\.)+(?:gov|org|com|net|edu|info)(?:\/[^\s<>"']*)?`, // cancer.gov, cancer.org/x
      String.raw`(?:\+?1[ -])?\(?\b[0-9]{3}\)?[ -][0-9]{3}-[0-9]{4}\b`,          // 1-800-227-2345
      ...(shortNumbers.length ? [String.raw`\b(?:${shortNumbers.join("|")})\b`] : []), // 911, 988
    ].join("|"),
    "gi",
  );

  /** Appends `message` to `element` as text, with URLs, domains and phone numbers as safe links. */
  function appendWithLinks(element, message) {
    let last = 0;
    for (const match of message.matchAll(LINK)) {
      let found = match[0];
      const trailing = /[.,;:!?)\]]+$/.exec(found);
      if (trailing && !/^[0-9(+]/.test(found)) found = found.slice(0, -trailing[0].length);
      const link = linkFor(found);
      if (!link) continue;
      element.appendChild(document.createTextNode(message.slice(last, match.index)));
      element.appendChild(link);
      last = match.index + found.length;
    }
    element.appendChild(document.createTextNode(message.slice(last)));
  }

  function linkFor(found) {
    if (/^[0-9(+]/.test(found)) return telLink(found);
    let url;
    try {
      url = new URL(/^https?:\/\//i.test(found) ? found : "https://" + found);
    } catch (error) {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    const link = document.createElement("a");
    link.href = url.href;
    link.textContent = found;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }

  // ---- state (sessionStorage) ----------------------------------------------------------------------

  function storage() {
    try {
      return config.storage === "local" ? window.localStorage : window.sessionStorage;
    } catch (error) {
      return null; // storage blocked: the chat still works, it just isn't kept
    }
  }

  /** A random, unguessable id for this visitor's conversation. */
  function newSessionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function freshState() {
    return { sessionId: newSessionId(), entries: [], urgency: "none", nextId: 1 };
  }

  function loadState() {
    try {
      const saved = JSON.parse(storage().getItem(STORE_KEY) || "null");
      if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.entries)) return saved;
    } catch (error) {
      /* nothing saved, or unreadable: start afresh */
    }
    return freshState();
  }

  function save() {
    state.entries = state.entries.slice(-MAX_ENTRIES);
    try {
      storage().setItem(STORE_KEY, JSON.stringify(state));
    } catch (error) {
      /* full or blocked: keep going without */
    }
  }

  function forget() {
    try {
      storage().removeItem(STORE_KEY);
    } catch (error) {
      /* nothing to remove */
    }
  }

  let state = loadState();
  let confirmed = false; // the server confirmed our session id on this connection
  let lostConnection = false; // "Connected again" only after "Reconnecting…"

  let deleting = false;
  let turn = null; // {user: element, firstBot: element} of the exchange on screen
  let quietTimer = null;
  let backTimer = null;
  let panelOpen = !embedded;
  let unread = 0;

  // ---- rendering -----------------------------------------------------------------------------------

  function speaker(who) {
    const span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text(who === "user" ? "speakerUser" : "speakerBot") + " ";
    return span;
  }

  function renderWelcome() {
    const bubble = document.createElement("div");
    bubble.className = "message bot welcome";
    bubble.appendChild(speaker("bot"));
    bubble.appendChild(document.createTextNode(text("welcome")));
    messages.appendChild(bubble);
    const started = state.entries.some((e) => e.who === "user");
    if (started) return;
    const group = document.createElement("div");
    group.className = "buttons suggestions";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", text("suggestionsLabel"));
    for (const question of S.suggestions || []) {
      group.appendChild(quickReply(question, question, () => send(question, question), false));
    }
    messages.appendChild(group);
  }

  function quickReply(label, payload, onChoose, spent) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "quick-reply";
    button.textContent = label;
    button.dataset.payload = payload;
    if (spent) button.setAttribute("aria-disabled", "true");
    // aria-disabled (not disabled) once used, so that focus stays on the button the user chose.
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true" || !confirmed) return;
      onChoose();
    });
    return button;
  }

  function renderEntry(entry) {
    const bubble = document.createElement("div");
    bubble.className = `message ${entry.who}`;
    bubble.dataset.id = String(entry.id);
    bubble.appendChild(speaker(entry.who));
    if (entry.who === "bot") appendWithLinks(bubble, entry.text || "");
    else bubble.appendChild(document.createTextNode(entry.text));
    if (entry.text || entry.who === "user") messages.appendChild(bubble);
    if (entry.who === "user") renderDelivery(entry, bubble);
    if (Array.isArray(entry.buttons) && entry.buttons.length) {
      const group = document.createElement("div");
      group.className = "buttons";
      group.dataset.id = String(entry.id);
      for (const choice of entry.buttons) {
        group.appendChild(quickReply(choice.title, choice.payload, () => send(choice.payload, choice.title), entry.spent));
      }
      messages.appendChild(group);
      return entry.text ? bubble : group;
    }
    return bubble;
  }

  function renderDelivery(entry, bubble) {
    const old = messages.querySelector(`.delivery[data-id="${entry.id}"]`);
    if (old) old.remove();
    bubble.classList.toggle("failed", entry.delivery === "failed");
    if (entry.delivery !== "failed") return;
    const note = document.createElement("div");
    note.className = "delivery";
    note.dataset.id = String(entry.id);
    const label = document.createElement("span");
    label.textContent = text("notDelivered");
    const resend = document.createElement("button");
    resend.type = "button";
    resend.textContent = text("resend");
    resend.addEventListener("click", () => {
      if (!confirmed) return;
      entry.delivery = "pending";
      renderDelivery(entry, bubble);
      emit(entry);
      messages.focus({ preventScroll: true }); // the button is gone; the conversation keeps the focus
    });
    note.append(label, resend);
    bubble.after(note);
  }

  function renderAll() {
    messages.textContent = "";
    renderWelcome();
    for (const entry of state.entries) renderEntry(entry);
    chat.classList.toggle("started", state.entries.some((e) => e.who === "user"));
    showUrgency(state.urgency, true);
    // Restored: show the last exchange from its start, as when it arrived.
    const users = messages.querySelectorAll(".message.user");
    const lastUser = users[users.length - 1];
    let firstBot = lastUser ? lastUser.nextElementSibling : null;
    while (firstBot && !firstBot.matches(".message.bot")) firstBot = firstBot.nextElementSibling;
    turn = lastUser ? { user: lastUser, firstBot } : null;
    messages.scrollTop = messages.scrollHeight;
    scrollToTurn();
  }

  function showTyping(on) {
    let typing = messages.querySelector(".typing");
    if (!on) {
      if (typing) typing.remove();
      return;
    }
    if (!typing) {
      typing = document.createElement("div");
      typing.className = "typing";
      const label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = text("typing");
      typing.appendChild(label);
      for (let i = 0; i < 3; i += 1) {
        const dot = document.createElement("span");
        dot.className = "dot";
        dot.setAttribute("aria-hidden", "true");
        typing.appendChild(dot);
      }
    }
    messages.appendChild(typing); // always last
  }

  /** Scrolls the conversation so that the start of the newest answer is at the top (with the question above
   *  it when both fit), never past it to the bottom. */
  function scrollToTurn() {
    if (!turn || !turn.firstBot || !turn.firstBot.isConnected) return;
    const gap = 8;
    const top = turn.firstBot.offsetTop - gap;
    const withQuestion = turn.user && turn.user.isConnected ? turn.user.offsetTop - gap : top;
    const bottom = messages.scrollHeight;
    messages.scrollTop = bottom - withQuestion <= messages.clientHeight ? withQuestion : top;
  }

  /** Shows the banner of an urgency level; a more urgent one replaces it, a less urgent one doesn't. */
  function showUrgency(level, restoring) {
    const banners = document.querySelectorAll(".banner[data-level]");
    const rank = (l) => (URGENCY.includes(l) ? URGENCY.indexOf(l) : URGENCY.length);
    if (!restoring && rank(level) >= rank(state.urgency)) return;
    if (!restoring) state.urgency = level;
    for (const banner of banners) banner.hidden = banner.dataset.level !== state.urgency;
    chat.dataset.urgency = state.urgency;
  }

  function setConnection(kind, key) {
    connection.dataset.state = kind;
    if (key) fill(connectionText, key);
    else connectionText.textContent = "";
    retryButton.hidden = kind !== "unreachable";
    connection.setAttribute("role", kind === "unreachable" ? "alert" : "status");
  }

  function setReady(ready) {
    sendButton.disabled = !ready;
    deleteButton.disabled = !ready;
  }

  // ---- sending -------------------------------------------------------------------------------------

  const timers = new Map(); // entry id -> reply timeout

  function emit(entry) {
    clearTimeout(timers.get(entry.id));
    socket.emit("user_uttered", { message: entry.payload || entry.text, session_id: state.sessionId });
    showTyping(true);
    timers.set(entry.id, setTimeout(() => notDelivered(entry), replyTimeoutMs));
    save();
  }

  function notDelivered(entry) {
    timers.delete(entry.id);
    if (entry.delivery !== "pending") return;
    entry.delivery = "failed";
    if (entry.payload === CONFIRM_DELETE_PAYLOAD) deleting = false;
    save();
    const bubble = messages.querySelector(`.message.user[data-id="${entry.id}"]`);
    if (bubble) renderDelivery(entry, bubble);
    if (![...timers.keys()].length) showTyping(false);
  }

  /** The reply has come: every message still waiting counts as delivered. */
  function delivered() {
    for (const entry of state.entries) {
      if (entry.who !== "user" || !entry.delivery) continue;
      clearTimeout(timers.get(entry.id));
      timers.delete(entry.id);
      const wasFailed = entry.delivery === "failed";
      delete entry.delivery;
      const bubble = messages.querySelector(`.message.user[data-id="${entry.id}"]`);
      if (bubble && wasFailed) renderDelivery(entry, bubble);
    }
  }

  /** Sends a message (or a button's payload) and shows what the user chose. */
  function send(message, shown) {
    if (!confirmed) return;
    for (const entry of state.entries) if (entry.buttons) entry.spent = true;
    // Spent buttons stay (aria-disabled, so that the one just chosen keeps the focus).
    for (const old of messages.querySelectorAll(".quick-reply")) old.setAttribute("aria-disabled", "true");
    const entry = { id: state.nextId++, who: "user", text: shown, delivery: "pending" };
    if (message !== shown) entry.payload = message;
    state.entries.push(entry);
    chat.classList.add("started");
    const bubble = renderEntry(entry);
    turn = { user: bubble, firstBot: null };
    if (message === CONFIRM_DELETE_PAYLOAD) deleting = true;
    emit(entry);
    messages.scrollTop = messages.scrollHeight;
  }

  function onBotMessage(data) {
    if (!data) return;
    delivered();
    clearTimeout(quietTimer);
    quietTimer = setTimeout(endOfTurn, TURN_QUIET_MS);
    if (deleting) return; // the old conversation's last words: the screen is cleared at the end of the turn
    const meta = data.custom && data.custom.meta;
    if (meta && URGENCY.includes(meta.urgency)) showUrgency(meta.urgency);
    const buttons = data.quick_replies || data.buttons;
    const hasButtons = Array.isArray(buttons) && buttons.length > 0;
    if (!data.text && !hasButtons) {
      save();
      return;
    }
    const entry = { id: state.nextId++, who: "bot", text: String(data.text || "") };
    if (hasButtons) {
      entry.buttons = buttons.map((b) => ({ title: String(b.title || b.payload || ""), payload: String(b.payload || b.title || "") }));
    }
    state.entries.push(entry);
    save();
    const element = renderEntry(entry);
    showTyping(false);
    if (!turn) turn = { user: null, firstBot: null };
    if (!turn.firstBot) turn.firstBot = element;
    scrollToTurn();
    if (embedded && !panelOpen) {
      unread += 1;
      toParent({ type: "mbc:unread", count: unread });
    }
  }

  function endOfTurn() {
    showTyping(false);
    if (!deleting) return;
    deleting = false;
    clearAll(true);
  }

  /** The conversation is gone: clear the screen and the browser's copy, start a new session id. */
  function clearAll(showNote) {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    forget();
    state = freshState();
    turn = null;
    renderAll();
    if (showNote) {
      const note = document.createElement("div");
      note.className = "message note";
      note.setAttribute("role", "status");
      note.textContent = text("deleted");
      messages.insertBefore(note, messages.firstChild);
    }
    save();
    confirmed = false;
    if (socket.connected) socket.emit("session_request", { session_id: state.sessionId });
    messages.focus({ preventScroll: true }); // the confirmation button is gone; the note is read from here
  }

  // ---- connection ----------------------------------------------------------------------------------

  const socket = window.io(serverUrl, { path: "/socket.io", transports: ["websocket", "polling"] });

  socket.on("connect", () => {
    socket.emit("session_request", { session_id: state.sessionId });
  });
  socket.on("session_confirm", () => {
    confirmed = true;
    setReady(true);
    if (lostConnection) {
      lostConnection = false;
      setConnection("back", "reconnected");
      clearTimeout(backTimer);
      backTimer = setTimeout(() => setConnection("ok"), 4000);
    } else {
      setConnection("ok");
    }
  });
  socket.on("bot_uttered", onBotMessage);
  socket.on("disconnect", () => {
    confirmed = false;
    lostConnection = true;
    setReady(false);
    setConnection("reconnecting", "reconnecting");
  });
  socket.io.on("reconnect_failed", () => setConnection("unreachable", "unreachable"));
  socket.on("connect_error", () => {
    confirmed = false;
    lostConnection = true;
    setReady(false);
    setConnection("unreachable", "unreachable");
  });
  retryButton.addEventListener("click", () => {
    setConnection("connecting", "connecting");
    socket.connect();
  });

  // ---- the page's controls -------------------------------------------------------------------------

  deleteButton.addEventListener("click", () => send(DELETE_PAYLOAD, deleteButton.textContent));

  function submit() {
    const message = input.value.trim();
    if (!message || !confirmed) return;
    input.value = "";
    autosize();
    send(message, message);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });

  function autosize() {
    input.style.height = "";
    if (!input.value) return; // an empty box is one line, however the placeholder wraps
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight + 4}px`; // 2 px border each side; CSS caps it (max-height)
  }
  input.addEventListener("input", autosize);

  // ---- embedded in a clinic's page (widget.js) -----------------------------------------------------

  function toParent(message) {
    if (embedded) window.parent.postMessage(message, "*"); // nothing private: open/close and an unread count
  }

  if (embedded) {
    document.documentElement.classList.add("embedded");
    closeButton.hidden = false;
    closeButton.addEventListener("click", () => toParent({ type: "mbc:close" }));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") toParent({ type: "mbc:close" });
    });
    window.addEventListener("message", (event) => {
      if (event.source !== window.parent || !event.data || typeof event.data.type !== "string") return;
      if (event.data.type === "mbc:opened") {
        panelOpen = true;
        unread = 0;
        if (event.data.focus) title.focus({ preventScroll: true });
        scrollToTurn();
      } else if (event.data.type === "mbc:closed") {
        panelOpen = false;
      }
    });
  }

  // ---- start ---------------------------------------------------------------------------------------

  applyStrings();
  // A message that was waiting when the page was left has no reply coming: offer to resend it.
  for (const entry of state.entries) if (entry.delivery === "pending") entry.delivery = "failed";
  renderAll();
  save();
  setConnection("connecting", "connecting");
  toParent({ type: "mbc:ready" });

  // For the tests and for a host that wants to check what the page does with a text.
  window.MBCAssistant = { appendWithLinks, sessionId: () => state.sessionId };
})();
