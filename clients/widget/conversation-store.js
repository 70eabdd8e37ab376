// What the widget remembers across page loads: whose conversation it showed and
// what was said.
//
// The customer is the one the token names (the server says who in `hello`); the
// assistant keeps the cart and the order under that id, so a reload (or a new tab)
// with a token for the same customer carries on where they left off, and the
// history shown is dropped when the customer changes. On the sandbox demo page the
// demo customer's id is kept too, so a reload signs the same demo customer in. The
// history is only for showing the conversation again. A secret never gets here: a PIN turn is stored as `{role: "user",
// secret: true}`, with no digits, because the store has no way to be given them.

const PREFIX = "orderly-widget";
const HISTORY_LIMIT = 200;

export class ConversationStore {
  constructor(namespace = "default") {
    this.senderKey = `${PREFIX}:${namespace}:sender`;
    this.demoKey = `${PREFIX}:${namespace}:demo-customer`;
    this.historyKey = `${PREFIX}:${namespace}:history`;
    this.storage = usableLocalStorage();
    this.memory = new Map(); // when the browser refuses storage (private modes, policies)
  }

  /** The customer whose conversation is shown (as the server named it), or null. */
  get senderId() {
    return this.read(this.senderKey);
  }

  /** The sandbox demo customer this browser signs in as, or null before the first. */
  get demoCustomer() {
    return this.read(this.demoKey);
  }

  set demoCustomer(customerId) {
    if (customerId) this.write(this.demoKey, String(customerId));
  }

  /** The token decides: a different id means another customer's history. */
  adoptSender(sender) {
    if (sender && sender !== this.read(this.senderKey)) {
      this.write(this.senderKey, sender);
      this.write(this.historyKey, "[]");
      return true;
    }
    return false;
  }

  /** The customer started over: the same sender, nothing to show again. */
  clearHistory() {
    this.remove(this.historyKey);
  }

  history() {
    try {
      const entries = JSON.parse(this.read(this.historyKey) || "[]");
      return Array.isArray(entries) ? entries : [];
    } catch {
      return [];
    }
  }

  /** `elsewhere`: said on another of the customer's devices (the speaker, the shell). */
  addUserText(text, elsewhere = false) {
    this.append({ role: "user", text: String(text), ...(elsewhere && { elsewhere }) });
  }

  addSecretTurn(elsewhere = false) {
    this.append({ role: "user", secret: true, ...(elsewhere && { elsewhere }) });
  }

  addBotMessage(message) {
    this.append({ role: "bot", message });
  }

  append(entry) {
    const entries = this.history();
    entries.push(entry);
    this.write(this.historyKey, JSON.stringify(entries.slice(-HISTORY_LIMIT)));
  }

  read(key) {
    try {
      return this.storage ? this.storage.getItem(key) : (this.memory.get(key) ?? null);
    } catch {
      return this.memory.get(key) ?? null;
    }
  }

  write(key, value) {
    try {
      if (this.storage) return this.storage.setItem(key, value);
    } catch {
      // quota or policy: keep it for this page at least
    }
    this.memory.set(key, value);
  }

  remove(key) {
    this.memory.delete(key);
    try {
      this.storage?.removeItem(key);
    } catch {
      // nothing stored, nothing to remove
    }
  }
}

function usableLocalStorage() {
  try {
    const storage = globalThis.localStorage;
    const probe = `${PREFIX}:probe`;
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}
