// The customer's settings: choosing the payment PIN.
//
// A PIN is set only here (or with /pin in the shell), never by voice: the customer types
// their password again and the new PIN twice, all into password fields. The request goes
// to the widget's own server (`PUT pin`, same origin), which passes it to the merchant
// platform's `PUT /identity/pin`; the fields are emptied as soon as it is sent. Nothing
// here writes the PIN or the password anywhere else (log, storage, console).

import { el } from "./cards.js";

const PIN_RULE = /^[0-9]{4,8}$/;

export class SettingsPanel {
  /**
   * @param {URL} endpoint  where the PIN goes (the widget server's `pin` route)
   * @param {() => string | null} token  the signed-in customer's token
   */
  constructor(endpoint, token) {
    this.endpoint = endpoint;
    this.token = token;
    const field = (name, label, attributes) => {
      const input = el("input", {
        id: `ow-${name}-${Math.random().toString(36).slice(2, 8)}`,
        class: "ow-settings-input",
        type: "password",
        autocapitalize: "off",
        spellcheck: "false",
        required: "",
        ...attributes,
      });
      return [input, el("label", { for: input.id }, label)];
    };
    const pinField = { inputmode: "numeric", autocomplete: "new-password", maxlength: "8" };
    [this.password, this.passwordLabel] = field("password", "Your password", {
      autocomplete: "current-password",
    });
    [this.pin, this.pinLabel] = field("new-pin", "New payment PIN (4 to 8 digits)", pinField);
    [this.again, this.againLabel] = field("pin-again", "New PIN again", pinField);
    this.outcome = el("p", { class: "ow-settings-outcome", role: "status" });
    this.save = el("button", { type: "submit", class: "ow-primary" }, "Save PIN");
    this.form = el(
      "form",
      {
        class: "ow-settings",
        hidden: true,
        "aria-label": "Settings: payment PIN",
        onsubmit: (event) => this.submit(event),
      },
      el("h3", { class: "ow-settings-title" }, "Payment PIN"),
      el(
        "p",
        { class: "ow-settings-hint" },
        "Payments over the no-PIN limits ask for it. It can't be set by voice.",
      ),
      this.passwordLabel,
      this.password,
      this.pinLabel,
      this.pin,
      this.againLabel,
      this.again,
      el(
        "div",
        { class: "ow-settings-row" },
        this.save,
        el("button", { type: "button", onclick: () => this.close() }, "Close"),
      ),
      this.outcome,
    );
  }

  get isOpen() {
    return !this.form.hidden;
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
  }

  open() {
    this.outcome.textContent = "";
    this.form.hidden = false;
    this.password.focus();
  }

  close() {
    this.clear();
    this.form.hidden = true;
  }

  clear() {
    for (const input of [this.password, this.pin, this.again]) input.value = "";
  }

  async submit(event) {
    event.preventDefault();
    const password = this.password.value;
    const pin = this.pin.value.trim();
    const again = this.again.value.trim();
    if (!PIN_RULE.test(pin)) return this.say("A PIN is 4 to 8 digits.");
    if (pin !== again) return this.say("The two PINs are not the same.");
    const token = this.token();
    if (!token) return this.say("Not signed in yet; try again in a moment.");
    this.clear();
    this.save.disabled = true;
    this.say("Saving…");
    try {
      const answer = await fetch(this.endpoint, {
        method: "PUT",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({ password, pin }),
      });
      const body = await answer.json().catch(() => ({}));
      if (answer.ok) this.say("Your payment PIN is saved.");
      else if (answer.status === 401) this.say("That password is not right.");
      else this.say(body.error?.message || "The PIN could not be saved.");
    } catch {
      this.say("The PIN could not be saved: the server is not answering.");
    } finally {
      this.save.disabled = false;
    }
  }

  say(text) {
    this.outcome.textContent = text;
  }
}
