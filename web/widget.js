// The chat widget: talks to Rasa's socket.io channel with socket.io-client (from node_modules).
// Text is always inserted as text (never as HTML).
(function () {
  "use strict";

  const config = window.MBC_ASSISTANT_CONFIG || {};
  const serverUrl = config.server || "http://127.0.0.1:5005";

  const messages = document.getElementById("messages");
  const statusLine = document.getElementById("status");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  const deleteLink = document.getElementById("delete-chat");
  // The intent the "Delete this chat" link sends; the assistant then asks to confirm (domain.yml utter_confirm_delete).
  const DELETE_PAYLOAD = "/delete_conversation";

  /** A random, unguessable id for this visitor's conversation. */
  function newSessionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  const sessionId = newSessionId();
  let confirmed = false;

  function setStatus(text) {
    statusLine.textContent = text;
  }

  function setReady(ready) {
    input.disabled = !ready;
    sendButton.disabled = !ready;
    deleteLink.disabled = !ready;
  }

  function addBubble(who, text) {
    const bubble = document.createElement("div");
    bubble.className = `message ${who}`;
    bubble.textContent = text;
    messages.appendChild(bubble);
    messages.scrollTop = messages.scrollHeight;
    return bubble;
  }

  function addButtons(buttons) {
    const group = document.createElement("div");
    group.className = "buttons";
    for (const button of buttons) {
      const element = document.createElement("button");
      element.type = "button";
      element.className = "quick-reply";
      element.textContent = button.title;
      element.addEventListener("click", () => send(button.payload, button.title));
      group.appendChild(element);
    }
    messages.appendChild(group);
    messages.scrollTop = messages.scrollHeight;
  }

  /** Shows the banner of an urgency level (emergency, red, amber); a more urgent one replaces it. */
  function showUrgency(level) {
    const banners = document.querySelectorAll("[data-level]");
    const order = ["emergency", "red", "amber"];
    const shown = [...banners].find((b) => !b.hidden);
    if (shown && order.indexOf(shown.dataset.level) <= order.indexOf(level)) return;
    for (const banner of banners) banner.hidden = banner.dataset.level !== level;
    messages.scrollTop = messages.scrollHeight;
  }

  /** Sends a message (or a button's payload) and shows what the user chose. */
  function send(message, shown) {
    if (!confirmed) return;
    for (const old of messages.querySelectorAll("button.quick-reply")) old.disabled = true;
    addBubble("user", shown);
    socket.emit("user_uttered", { message, session_id: sessionId });
    setStatus("The assistant is answering…");
  }

  function onBotMessage(data) {
    if (!data) return;
    setStatus("");
    const meta = data.custom && data.custom.meta;
    if (meta && ["emergency", "red", "amber"].includes(meta.urgency)) showUrgency(meta.urgency);
    if (data.text) addBubble("bot", data.text);
    const buttons = data.quick_replies || data.buttons;
    if (Array.isArray(buttons) && buttons.length) addButtons(buttons);
  }

  const socket = window.io(serverUrl, { path: "/socket.io" });

  socket.on("connect", () => {
    socket.emit("session_request", { session_id: sessionId });
  });
  socket.on("session_confirm", () => {
    confirmed = true;
    setStatus("");
    setReady(true);
    input.focus();
  });
  socket.on("bot_uttered", onBotMessage);
  socket.on("disconnect", () => {
    confirmed = false;
    setReady(false);
    setStatus("Reconnecting…");
  });
  socket.on("connect_error", () => {
    setStatus("The assistant can't be reached right now. In an emergency, call 911 or your local emergency number.");
  });

  deleteLink.addEventListener("click", () => send(DELETE_PAYLOAD, deleteLink.textContent));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, text);
  });
})();
