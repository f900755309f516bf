// Where the page finds Rasa's socket.io channel. Change this when Rasa runs elsewhere.
window.MBC_ASSISTANT_CONFIG = {
  server: "http://127.0.0.1:5005",
};
