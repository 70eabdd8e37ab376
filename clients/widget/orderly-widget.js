// Orderly's web chat widget. Embed it with one container and one script tag:
//
//   <div data-orderly-widget></div>
//   <script type="module" src="https://assistant.example/webhooks/widget/orderly-widget.js"></script>
//
// Options are data attributes of the container: data-server (the voice websocket;
// default: the server this file came from), data-token (the signed-in customer's
// token, from the embedding page's own login), data-demo-sign-in (the sandbox demo:
// a demo customer is signed in by the server's demo-session route), data-title,
// data-namespace (to keep two widgets of one site apart). The page may also hand
// the widget a new token at any time: `element.orderlyWidget.setToken(token)`.
// Everything goes over the voice channel's websocket (docs/voice-protocol.md):
// typed text, hold-to-talk audio (16 kHz PCM16) and the spoken replies. The turns the
// customer takes on their other devices (the voice client, the shell) are shown as they
// happen, with their cards and choices, so a readback asked by the speaker can be answered
// here with a tap; they are not spoken here (the device that took them speaks them), and
// the widget says so to the server (`shared_turns`), which then sends them without audio.

import { ChatView } from "./chat-view.js";
import { AssistantConnection } from "./connection.js";
import { ConversationStore } from "./conversation-store.js";
import { HoldToTalk } from "./hold-to-talk.js";
import { CAPTURE_RATE } from "./microphone.js";
import { PinEntry } from "./pin-entry.js";
import { ReplyPlayer } from "./reply-player.js";
import { SettingsPanel } from "./settings-panel.js";

const HERE = import.meta.url;
const STATUS_TEXT = { connecting: "Connecting…", open: "Online", reconnecting: "Reconnecting…" };
// The dialogue's "no" while it waits for a PIN: the order stays placed, unpaid.
const DECLINE_PIN = "/deny";
const RESTART = "/restart";
const TEXT_REFUSALS = new Set(["text_too_long", "invalid_message"]);
// A position a minute old is still where the customer is; ask no longer than 10 s.
const LOCATION_MAX_AGE_MS = 60_000;
const LOCATION_TIMEOUT_MS = 10_000;
const NOT_CONNECTED = "Not connected to the assistant right now; it will reconnect by itself.";

export class OrderlyWidget {
  constructor(container, options = {}) {
    this.options = options;
    this.store = new ConversationStore(options.namespace);
    this.view = new ChatView(container, options.title || "Orderly");
    this.pin = new PinEntry(
      (pin) => this.sendPin(pin),
      () => this.declinePin(),
    );
    this.view.composer.before(this.pin.form);
    this.settings = new SettingsPanel(new URL("pin", HERE), () => this.token);
    this.view.log.after(this.settings.form);
    this.player = new ReplyPlayer((speaking) => (this.view.speaking.hidden = !speaking));
    this.talk = new HoldToTalk(this.view.mic, new URL("pcm-capture-worklet.js", HERE), {
      begin: () => this.beginUtterance(),
      frame: (pcm, rms) => this.captured(pcm, rms),
      end: () => this.endUtterance(),
      failed: (message) => this.utteranceFailed(message),
    });
    this.token = options.token || null;
    this.connection = new AssistantConnection(this.socketUrl(), (fresh) =>
      this.socketToken(fresh),
    );
    this.location = null; // the `location` message, once the customer shared it
    this.pendingTexts = []; // typed bubbles awaiting their transcript, oldest first
    this.pendingVoice = []; // spoken bubbles awaiting recognition, oldest first
    this.capturedMs = 0;
    this.lastBotTurn = 0;
    this.unanswered = 0; // turns begun by the customer whose turn_end has not come
    this.answeredTurns = new Set(); // this connection's turn numbers already ended
    this.newsTurns = new Set(); // turns the assistant began itself: news of an order
    this.elsewhereTurns = new Set(); // turns the customer took on another device
    this.bind();
    this.restore();
    this.connection.connect();
  }

  /** The voice channel's websocket URL (never with the token: proxies log URLs). */
  socketUrl() {
    const url = new URL(this.options.server || new URL("../voice/ws", HERE));
    if (url.protocol === "http:" || url.protocol === "https:")
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url;
  }

  /** The customer token for the socket (a fresh one after the server said 4401). */
  async socketToken(fresh = false) {
    if (this.options.demoSignIn !== undefined && (fresh || !this.token))
      this.token = await this.demoSignIn();
    return this.token;
  }

  /** The embedding page signed its customer in again: reconnect with the new token. */
  setToken(token) {
    this.token = token;
    this.connection.close();
    this.connection.connect();
  }

  /** Sandbox only: the server signs in this browser's demo customer (kept in the store). */
  async demoSignIn() {
    const answer = await fetch(new URL("demo-session", HERE), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ customer_id: this.store.demoCustomer }),
    });
    const body = await answer.json().catch(() => ({}));
    if (!answer.ok || !body.token) throw new Error(body.error?.message || "Could not sign in.");
    this.store.demoCustomer = body.customer_id;
    // A new demo customer: its password and random PIN come this once, and are shown
    // (not stored) so the customer can pay and change the PIN in Settings.
    // Shown when the server greets the new customer (which clears the old one's log).
    if (body.password) {
      const pin = body.pin ? ` and payment PIN ${body.pin}` : "";
      this.demoNote =
        `You are demo customer ${body.customer_id}; its password is ${body.password}${pin}. ` +
        "They are shown only this once: note them, and choose your own PIN in Settings. " +
        "Sign in as this customer in the shell or the voice client (--customer) too, and " +
        "this page shows what you say there.";
    }
    return body.token;
  }

  bind() {
    const { view } = this;
    view.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = view.input.value.trim();
      if (text && this.sendText(text, text)) view.input.value = "";
    });
    view.stopSpeaking.addEventListener("click", () => this.bargeIn());
    view.startOver.addEventListener("click", () => this.startOver());
    view.locate.addEventListener("click", () => this.useLocation());
    view.settings.addEventListener("click", () => {
      this.settings.toggle();
      view.settings.setAttribute("aria-expanded", String(this.settings.isOpen));
    });
    this.connection.addEventListener("status", (event) => this.connectionStatus(event.detail));
    this.connection.addEventListener("message", (event) =>
      this.receive(event.detail.message, event.detail.audio),
    );
  }

  // --- what the customer does ---------------------------------------------------

  /** Send typed (or tapped) text; `label` is what the log shows. False if not sent. */
  sendText(text, label) {
    this.player.unlock();
    if (!this.connection.isOpen) {
      this.view.addNote(NOT_CONNECTED);
      return false;
    }
    this.bargeIn(); // the customer has moved on: the old reply need not be heard out
    this.connection.send({ type: "text", text });
    this.view.retireChoices();
    this.pendingTexts.push({ bubble: this.view.addUser(label), label });
    this.awaitAnswer(1);
    return true;
  }

  sendPin(pin) {
    if (!this.connection.isOpen) return false;
    this.bargeIn();
    this.connection.send({ type: "text", text: pin });
    this.view.retireChoices();
    this.pendingTexts.push({ bubble: this.view.addUser("", { secret: true }), secret: true });
    this.view.input.disabled = false;
    this.awaitAnswer(1);
    return true;
  }

  declinePin() {
    this.pin.close();
    this.view.input.disabled = false;
    this.sendText(DECLINE_PIN, "Not now");
  }

  bargeIn() {
    this.player.stop();
    this.connection.send({ type: "interrupt" });
  }

  /** The mic was pressed: a barge-in, then the audio of a new utterance. */
  beginUtterance() {
    this.player.unlock();
    if (!this.connection.isOpen) {
      this.view.addNote(NOT_CONNECTED);
      return false;
    }
    this.bargeIn();
    this.connection.send({ type: "start", sample_rate: CAPTURE_RATE, endpointing: "client" });
    this.capturedMs = 0;
    this.awaitAnswer(1); // busy from the press, so nobody mistakes the pause for an answer
    this.view.setRecording(true);
    this.view.showListening("Listening…");
    return true;
  }

  endUtterance() {
    this.view.setRecording(false);
    this.view.hideListening();
    if (!this.connection.send({ type: "end_of_utterance" })) {
      this.awaitAnswer(-1);
      return;
    }
    this.view.retireChoices();
    this.pendingVoice.push(this.view.addUser("Recognising…", { pending: true }));
  }

  utteranceFailed(message) {
    this.view.setRecording(false);
    this.view.hideListening();
    this.awaitAnswer(-1);
    this.view.addNote(message);
  }

  captured(pcm, rms) {
    if (!this.connection.sendAudio(pcm)) return;
    this.capturedMs += (pcm.byteLength / 2 / CAPTURE_RATE) * 1000;
    this.view.showCaptured(this.capturedMs, rms);
  }

  /** The same customer, a fresh conversation: Rasa's restart, and an empty log. */
  startOver() {
    if (!this.connection.isOpen) {
      this.view.addNote(NOT_CONNECTED);
      return;
    }
    this.bargeIn();
    this.connection.send({ type: "text", text: RESTART });
    this.pendingTexts.push({ silent: true });
    this.awaitAnswer(1);
    this.pin.close();
    this.view.input.disabled = false;
    this.store.clearHistory();
    this.view.clear();
  }

  // --- what the assistant says --------------------------------------------------

  receive(message, audio) {
    this.player.noteTurn(message.turn);
    switch (message.type) {
      case "hello":
        this.player.reset();
        this.lastBotTurn = 0;
        this.answeredTurns.clear();
        this.newsTurns.clear();
        this.elsewhereTurns.clear();
        this.awaitAnswer(-this.unanswered);
        this.dropPending(
          "The connection dropped before the answer came; the assistant may have it. Ask again if need be.",
        );
        if (this.store.adoptSender(message.sender_id)) this.view.clear();
        if (this.demoNote) this.view.addNote(this.demoNote); // after a new customer's clear
        this.demoNote = null;
        break;
      case "speech_started":
        this.player.stop();
        if (this.talk.active) this.view.showListening("Hearing you…");
        break;
      case "transcript":
        this.transcript(message);
        break;
      case "no_speech":
        this.unrecognised(
          this.pendingVoice.shift(),
          "I didn't hear anything. Hold the mic button while you speak.",
        );
        break;
      case "news":
        // The store changed an order: a chime, then its card and words as they come.
        this.newsTurns.add(message.turn);
        this.player.chime();
        break;
      case "shared_turn":
        this.elsewhere(message);
        break;
      case "bot_message":
        if (this.newsTurns.has(message.turn)) this.news(message.message);
        else this.botMessage(message);
        break;
      case "reply_audio":
        // Another device's turn is spoken there; here it is only shown (a reply of one
        // that came before the server knew, right after a reconnect, is not played).
        if (!this.elsewhereTurns.has(message.turn)) this.player.enqueue(message, audio);
        break;
      case "turn_end":
        // The server's one end of every turn, however it ended: nothing more will come.
        this.player.endTurn(message.turn);
        if (this.elsewhereTurns.delete(message.turn)) break;
        if (!this.newsTurns.delete(message.turn)) this.answered(message.turn);
        break;
      case "error":
        if (message.code === "recognition_failed")
          this.unrecognised(this.pendingVoice.shift(), message.message);
        else if (message.code === "recognition_busy")
          this.pendingVoice.shift()?.remove(); // the assistant's reply says so, aloud
        else if (TEXT_REFUSALS.has(message.code) && this.pendingTexts.length)
          this.refused(message.message);
        else this.view.addNote(message.message);
        break;
    }
  }

  transcript(message) {
    const masked = Boolean(message.masked);
    if (message.end_reason === "text") {
      const typed = this.pendingTexts.shift();
      if (typed?.silent) return;
      if (masked || typed?.secret) {
        if (typed) this.view.setUserText(typed.bubble, "", true);
        this.store.addSecretTurn();
      } else {
        this.store.addUserText(typed ? typed.label : message.text);
      }
      return;
    }
    const bubble = message.final === false ? this.pendingVoice[0] : this.pendingVoice.shift();
    const shown = bubble || this.view.addUser("");
    shown.classList.toggle("ow-pending", message.final === false);
    this.view.setUserText(shown, masked ? "" : message.text, masked);
    if (message.final === false) return;
    if (masked) this.store.addSecretTurn();
    else this.store.addUserText(message.text);
  }

  /** The log is aria-busy from a turn's start to its turn_end: a reply is announced together. */
  awaitAnswer(change) {
    this.unanswered = Math.max(0, this.unanswered + change);
    this.view.setBusy(this.unanswered > 0);
  }

  answered(turn) {
    if (this.answeredTurns.has(turn)) return;
    this.answeredTurns.add(turn);
    this.awaitAnswer(-1);
  }

  /** The channel refused a typed message before it became a turn. */
  refused(note) {
    this.pendingTexts.shift()?.bubble?.classList.add("ow-lost");
    this.awaitAnswer(-1);
    this.view.addNote(note);
  }

  unrecognised(bubble, note) {
    bubble?.remove();
    this.view.addNote(note);
  }

  botMessage({ turn, message }) {
    if (turn !== this.lastBotTurn) {
      // A secret is expected only right after the assistant asked for it.
      this.lastBotTurn = turn;
      this.pin.close();
      this.view.input.disabled = false;
    }
    this.store.addBotMessage(message);
    this.view.addBot(message, (label, text) => this.sendText(text, label));
    this.view.choicesLast();
    const request = message.custom?.secure_input;
    if (request) this.askForPin(request);
  }

  /**
   * The customer took a turn on another device: their words there, then (as bot messages of
   * the same turn) the answer with its cards and live choices, the readback's "Yes, pay"
   * among them. A PIN is asked for only on the device that is paying, so here it is a note.
   */
  elsewhere({ turn, said, masked, pin_asked_there: pinAskedThere }) {
    this.elsewhereTurns.add(turn);
    // A choice made there (its payload, "/affirm") is shown as here: by its title.
    const chosen = [...this.view.log.querySelectorAll(".ow-choice:not([disabled])")].find(
      (choice) => choice.dataset.payload === said,
    );
    const shown = chosen ? chosen.textContent : said;
    this.view.retireChoices();
    if (shown || masked) {
      this.view.addElsewhere(shown, Boolean(masked));
      if (masked) this.store.addSecretTurn(true);
      else this.store.addUserText(shown, true);
    }
    if (pinAskedThere)
      this.view.addNote("Your PIN is asked for on your other device, the one paying.");
  }

  /**
   * News said unasked: shown and kept like any reply, but it answers nothing the customer
   * sent and asks nothing, so a PIN being typed and the choices on offer stay as they are.
   */
  news(message) {
    this.store.addBotMessage(message);
    const shown = this.view.addBot(message, (label, text) => this.sendText(text, label));
    shown.classList.add("ow-news"); // every message of the turn: its words and its card
  }

  askForPin(request) {
    this.view.input.disabled = true; // the PIN goes into its own hidden field, not here
    this.pin.open(request);
  }

  connectionStatus({ state, message }) {
    this.view.setStatus(message || STATUS_TEXT[state] || state, state);
    if (state !== "open") {
      this.talk.release();
      return;
    }
    // A new connection knows nothing. Turns taken on the customer's other devices are
    // shown here, not spoken: the device that took them speaks them.
    this.connection.send({ type: "shared_turns", spoken: false });
    if (this.location) this.connection.send(this.location);
  }

  /**
   * "Use my location": the browser asks the customer's permission, and the position goes
   * to the server as one `location` message (docs/voice-protocol.md), which every message
   * after it carries to the dialogue. Nothing is asked before the tap.
   */
  useLocation() {
    if (!navigator.geolocation) {
      this.view.addNote("This browser cannot share a location; name a place instead.");
      return;
    }
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        this.location = {
          type: "location",
          lat: coords.latitude,
          lon: coords.longitude,
          accuracy_m: coords.accuracy,
        };
        if (this.connection.isOpen) this.connection.send(this.location);
        this.view.locate.setAttribute("aria-pressed", "true");
        this.view.addNote("Using your location to find stores near you.");
      },
      (error) => this.view.addNote(`Location not shared (${error.message}); name a place instead.`),
      { enableHighAccuracy: false, timeout: LOCATION_TIMEOUT_MS, maximumAge: LOCATION_MAX_AGE_MS },
    );
  }

  // --- memory ---------------------------------------------------------------------

  restore() {
    const entries = this.store.history();
    for (const entry of entries) {
      if (entry.role === "bot") {
        this.view.addBot(entry.message, (label, text) => this.sendText(text, label));
        this.view.choicesLast();
      } else if (entry.role === "user") {
        this.view.retireChoices();
        const secret = Boolean(entry.secret);
        if (entry.elsewhere) this.view.addElsewhere(entry.text || "", secret);
        else this.view.addUser(entry.text || "", { secret });
      }
    }
    const last = entries.at(-1);
    const request = last?.role === "bot" ? last.message?.custom?.secure_input : null;
    if (request) this.askForPin(request);
  }

  dropPending(note = null) {
    const typed = this.pendingTexts.map((text) => text.bubble).filter(Boolean);
    const lost = [...this.pendingVoice, ...typed];
    this.pendingVoice = [];
    this.pendingTexts = [];
    for (const bubble of lost) bubble.classList.add("ow-unanswered");
    if (lost.length && note) this.view.addNote(note);
  }
}

/** Mount a widget into `container` (options as in the header comment). */
export function mount(container, options = {}) {
  ensureStylesheet();
  const widget = new OrderlyWidget(container, { ...container.dataset, ...options });
  container.orderlyWidget = widget;
  return widget;
}

function ensureStylesheet() {
  const href = new URL("orderly-widget.css", HERE).href;
  if (document.querySelector(`link[href="${href}"]`)) return;
  document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href }));
}

for (const container of document.querySelectorAll("[data-orderly-widget]")) mount(container);
