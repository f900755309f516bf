// This deployment's settings. Texts and the emergency number per language: strings.js; colours: theme.css.
window.MBC_ASSISTANT_CONFIG = {
  server: "http://127.0.0.1:5005",  // Rasa's socket.io channel
  // careTeamNumber: "555-0100",    // the clinic's 24-hour line: shown, tap-to-call, in the urgency banners
  // emergencyNumber: "112",        // overrides the language's (strings.js)
  // lang: "en",                    // a key of strings.js
  replyTimeoutMs: 20000,            // a question without a reply this long is marked "Not delivered" (Resend)
  storage: "session",               // "session": a reload or another page keeps the chat, closing the browser forgets it
};
