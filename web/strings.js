// Every visible string of the chat page and of the embed launcher, per language, in one place.
// The numbers are here too: the emergency number is a property of the language/region. A deployment
// may override `emergencyNumber` and set its care team's number in config.js (or the embed tag).
// Placeholders: {emergency} and {careTeam} become tap-to-call links; nothing here is ever read as HTML.
// To add a language: copy "en", translate the values, keep the keys; select it with config.js `lang`,
// the embed tag's data-lang or the page's ?lang=.
window.MBC_ASSISTANT_STRINGS = {
  en: {
    lang: "en",
    dir: "ltr",
    emergencyNumber: "911",
    // Short numbers that are shown as tap-to-call links in answers (besides the emergency number).
    shortNumbers: ["988"],

    pageTitle: "MBC Info Assistant",
    title: "MBC Info Assistant",
    intro: "Automated general information about metastatic breast cancer. It is not a doctor and cannot give medical advice for you.",
    notice: "Not a doctor. In an emergency, call {emergency}.",
    deleteChat: "Delete chat",
    close: "Close the chat",
    closeText: "×",

    welcome: "Hello. I can answer general questions about metastatic breast cancer: treatments, medicines, side effects, tests, daily life and support. What would you like to know?",
    suggestionsLabel: "Suggested questions",
    suggestions: [
      "What is metastatic breast cancer?",
      "How is it treated?",
      "How can I cope with fatigue?",
      "Where can I find support?",
    ],

    speakerUser: "You said:",
    speakerBot: "Assistant:",
    conversationLabel: "Conversation",
    inputLabel: "Your question",
    placeholder: "Ask a question…",
    send: "Send",
    typing: "The assistant is answering…",

    bannerEmergency: "This may be an emergency: call {emergency} now.",
    bannerRed: "Call your cancer team's 24-hour line now. If you can't reach them, go to the emergency room.",
    bannerRedWithNumber: "Call your cancer team now: {careTeam}. If you can't reach them, go to the emergency room.",
    bannerAmber: "Call your care team today.",
    bannerAmberWithNumber: "Call your care team today: {careTeam}.",

    connecting: "Connecting…",
    reconnecting: "Reconnecting… Your conversation is kept.",
    reconnected: "Connected again.",
    unreachable: "The assistant can't be reached right now. In an emergency, call {emergency} or your local emergency number.",
    retry: "Try again",

    notDelivered: "Not delivered.",
    resend: "Resend",
    sending: "Sending…",

    deleted: "This chat was deleted from this screen and from the assistant. Nothing of it is kept.",

    // The embed launcher (widget.js) on a clinic's page.
    launcher: "Questions about MBC?",
    launcherClose: "Close chat",
    frameTitle: "MBC Info Assistant chat",
    unread: "{count} new",
  },
};
