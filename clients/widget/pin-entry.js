// The payment PIN field, shown when the assistant sends `custom.secure_input`.
//
// The PIN is typed into a password field, sent once over the socket (where the
// voice channel forwards it to the merchant and masks it) and the field is emptied
// at once. It is never put into the conversation log, the page's history, storage
// or the console: the only thing this module hands out is the call to `onSubmit`.

import { el } from "./cards.js";

export class PinEntry {
  /**
   * @param {(pin: string) => boolean} onSubmit  sends the PIN; false if it could not be sent
   * @param {() => void} onCancel  the customer would rather not pay now
   */
  constructor(onSubmit, onCancel) {
    this.onSubmit = onSubmit;
    this.digits = null;
    this.input = el("input", {
      id: `ow-pin-${Math.random().toString(36).slice(2, 8)}`,
      class: "ow-pin-input",
      type: "password",
      inputmode: "numeric",
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      "data-lpignore": "true",
    });
    this.label = el("label", { for: this.input.id }, "Payment PIN");
    this.problem = el("p", { class: "ow-pin-problem", role: "alert" });
    this.form = el(
      "form",
      {
        class: "ow-pin",
        hidden: true,
        "aria-label": "Payment PIN entry",
        onsubmit: (e) => this.submit(e),
      },
      this.label,
      el(
        "p",
        { class: "ow-pin-hint" },
        "Your PIN is sent straight to the payment service and never shown.",
      ),
      el(
        "div",
        { class: "ow-pin-row" },
        this.input,
        el("button", { type: "submit", class: "ow-primary" }, "Pay"),
        el("button", { type: "button", onclick: () => onCancel() }, "Not now"),
      ),
      this.problem,
    );
  }

  get isOpen() {
    return !this.form.hidden;
  }

  /** Show the field for a `secure_input` request ({purpose, digits}). */
  open(request) {
    this.digits = Number.isInteger(request?.digits) ? request.digits : null;
    const size = this.digits ? `${this.digits}-digit ` : "";
    this.label.textContent = `Your ${size}payment PIN`;
    this.input.maxLength = this.digits || 12;
    this.clear();
    this.problem.textContent = "";
    this.form.hidden = false;
    this.input.focus();
  }

  close() {
    this.clear();
    this.form.hidden = true;
  }

  clear() {
    this.input.value = "";
  }

  submit(event) {
    event.preventDefault();
    const pin = this.input.value.trim();
    this.clear();
    if (!/^\d+$/.test(pin) || (this.digits && pin.length !== this.digits)) {
      this.problem.textContent = this.digits
        ? `Enter the ${this.digits} digits of your PIN.`
        : "Enter the digits of your PIN.";
      this.input.focus();
      return;
    }
    if (!this.onSubmit(pin)) {
      this.problem.textContent = "Not connected, so the PIN was not sent. Try again in a moment.";
      this.input.focus();
      return;
    }
    this.close();
  }
}
