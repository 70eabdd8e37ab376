// The widget's markup: header, conversation log, live listening panel, composer.
//
// Only structure and small view updates live here; what happens on a click or a
// server message is decided by the widget (orderly-widget.js). The log is a
// `role="log"` region, so screen readers announce each new message once.

import { el, renderBotMessage } from "./cards.js";

const SVG = "http://www.w3.org/2000/svg";
// A microphone glyph (24 x 24 grid).
const MIC_PATH =
  "M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-2z";
const MASK = "••••••";
// Above the words a customer said on another device: the screen follows the speaker.
const ELSEWHERE = "On your other device";

let nextId = 0;

export class ChatView {
  constructor(container, title) {
    const id = `ow-${++nextId}`;
    this.status = el("p", { class: "ow-status", role: "status" }, "Connecting…");
    this.startOver = el("button", { type: "button", class: "ow-new" }, "Start over");
    this.settings = el(
      "button",
      { type: "button", class: "ow-new ow-settings-button", "aria-expanded": "false" },
      "Settings",
    );
    // Asks the browser where the customer is only when tapped (never on load).
    this.locate = el(
      "button",
      { type: "button", class: "ow-new ow-locate", "aria-pressed": "false" },
      "Use my location",
    );
    this.log = el("ol", {
      class: "ow-log",
      role: "log",
      "aria-live": "polite",
      "aria-busy": "false",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    this.liveText = el("span", { class: "ow-live-text" }, "Listening…");
    this.level = el("span", { class: "ow-level-bar" });
    this.timer = el("span", { class: "ow-timer", "aria-hidden": "true" }, "0.0 s");
    this.live = el(
      "div",
      { class: "ow-live", hidden: true, "data-captured-ms": "0" },
      this.liveText,
      el("span", { class: "ow-level", "aria-hidden": "true" }, this.level),
      this.timer,
    );
    this.stopSpeaking = el(
      "button",
      { type: "button", class: "ow-stop", "aria-label": "Stop speaking" },
      "Stop",
    );
    this.speaking = el(
      "div",
      { class: "ow-speaking", hidden: true },
      el("span", {}, "Speaking…"),
      this.stopSpeaking,
    );
    this.input = el("input", {
      id: `${id}-message`,
      class: "ow-input",
      type: "text",
      autocomplete: "off",
      enterkeyhint: "send",
      maxlength: "2000",
      placeholder: "Type a message",
    });
    this.send = el("button", { type: "submit", class: "ow-send ow-primary" }, "Send");
    this.mic = el(
      "button",
      {
        type: "button",
        class: "ow-mic",
        "aria-label": "Hold to talk",
        "aria-pressed": "false",
        title: "Hold to talk (mouse, touch, or hold Space)",
      },
      micIcon(),
    );
    this.composer = el(
      "form",
      { class: "ow-composer" },
      el("label", { class: "ow-visually-hidden", for: this.input.id }, "Message to Orderly"),
      this.input,
      this.send,
      this.mic,
    );
    this.root = el(
      "section",
      { class: "ow", "aria-label": `${title} chat` },
      el(
        "header",
        { class: "ow-header" },
        el("h2", { class: "ow-title" }, title),
        this.status,
        this.locate,
        this.settings,
        this.startOver,
      ),
      this.log,
      this.live,
      this.speaking,
      this.composer,
    );
    container.replaceChildren(this.root);
  }

  /** Append a bot message; returns its list item. */
  addBot(message, onChoice) {
    return this.append(renderBotMessage(message, onChoice));
  }

  /** A user bubble; `secret` shows a mask and says so to screen readers. */
  addUser(text, { secret = false, pending = false } = {}) {
    const bubble = el("li", { class: `ow-msg ow-user${pending ? " ow-pending" : ""}` });
    this.setUserText(bubble, text, secret);
    return this.append(bubble);
  }

  /** What the customer said on another of their devices (the speaker, the shell). */
  addElsewhere(text, secret) {
    const bubble = this.addUser(text, { secret });
    bubble.classList.add("ow-elsewhere");
    bubble.prepend(el("span", { class: "ow-where" }, ELSEWHERE));
    return bubble;
  }

  setUserText(bubble, text, secret = false) {
    bubble.classList.toggle("ow-secret", secret);
    bubble.replaceChildren(
      el("span", { class: "ow-visually-hidden" }, secret ? "You entered your PIN" : "You: "),
      el("p", { class: "ow-text", "aria-hidden": secret ? "true" : null }, secret ? MASK : text),
    );
  }

  addNote(text) {
    return this.append(el("li", { class: "ow-msg ow-note" }, el("p", { class: "ow-text" }, text)));
  }

  append(item) {
    this.log.append(item);
    item.scrollIntoView?.({ block: "end" });
    return item;
  }

  clear() {
    this.log.replaceChildren();
  }

  /** Earlier answers' choice buttons stop working once the conversation has moved on. */
  retireChoices() {
    for (const button of this.log.querySelectorAll(".ow-choice:not([disabled])")) {
      if (button === document.activeElement) this.input.focus();
      button.disabled = true;
    }
  }

  /**
   * Rasa sends a reply's text with its buttons and its card as separate messages;
   * the live choices move under the newest message, so they follow the card they
   * are about (the readback before "Yes, pay") as the shell shows them.
   */
  choicesLast() {
    const newest = this.log.lastElementChild;
    const live = [...this.log.querySelectorAll(".ow-choices")].filter(
      (group) => !group.querySelector(":disabled"),
    );
    for (const group of live) if (!newest.contains(group)) newest.append(group);
  }

  setBusy(busy) {
    this.log.setAttribute("aria-busy", String(busy));
  }

  setStatus(text, state) {
    this.status.textContent = text;
    this.root.dataset.connection = state;
    this.mic.disabled = state !== "open";
  }

  showListening(text) {
    this.live.hidden = false;
    this.liveText.textContent = text;
  }

  showCaptured(ms, rms) {
    this.live.dataset.capturedMs = String(Math.round(ms));
    this.timer.textContent = `${(ms / 1000).toFixed(1)} s`;
    this.level.style.width = `${Math.min(100, Math.round(rms * 400))}%`;
  }

  hideListening() {
    this.live.hidden = true;
    this.showCaptured(0, 0);
  }

  setRecording(recording) {
    this.mic.setAttribute("aria-pressed", String(recording));
    this.mic.setAttribute("aria-label", recording ? "Listening: release to send" : "Hold to talk");
  }
}

function micIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", MIC_PATH);
  svg.append(path);
  return svg;
}
