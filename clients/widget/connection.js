// The websocket to the assistant's voice channel (docs/voice-protocol.md), kept open.
//
// Text, microphone audio and reply audio share this one socket. The customer token
// goes in the Sec-WebSocket-Protocol header (the one header a browser may set),
// never in the URL, where proxies log it. When the socket drops, it is opened again
// with a growing delay and a token for the same customer, so the assistant (whose
// tracker is keyed by customer) resumes the same conversation. Close code 4401 (no
// token, a bad or an expired one) asks for a fresh token once and reconnects; 4429
// (this customer has too many connections open, e.g. in other tabs) retries later;
// if a fresh token is refused too, or on 4400, 4403 (this page's site may not
// connect) or 1008, the refusal is final: retrying cannot help.

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const CLOSE_POLICY_VIOLATION = 1008;
// These names and codes are those of contracts/voice_protocol.py.
const SUBPROTOCOL = "orderly.voice.v5";
const TOKEN_SUBPROTOCOL_PREFIX = "orderly.token.";
const CLOSE_TOKEN_IN_URL = 4400;
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_FORBIDDEN_ORIGIN = 4403;
const CLOSE_TOO_MANY_CONNECTIONS = 4429;
const FINAL_CLOSES = [
  CLOSE_POLICY_VIOLATION,
  CLOSE_TOKEN_IN_URL,
  CLOSE_UNAUTHORIZED,
  CLOSE_FORBIDDEN_ORIGIN,
];

/**
 * Events: `status` ({state: "connecting" | "open" | "reconnecting" | "refused", message?}),
 * `message` ({message, audio?}) for every server message; a `reply_audio` message
 * arrives together with the binary frame it announces.
 */
export class AssistantConnection extends EventTarget {
  /**
   * @param {URL} url  the voice channel's websocket
   * @param {(freshToken: boolean) => Promise<string | null>} tokenFor  the customer's
   *   token, asked again on each attempt; `freshToken` after a 4401 close
   */
  constructor(url, tokenFor) {
    super();
    this.url = url;
    this.tokenFor = tokenFor;
    this.freshToken = false; // the last close was 4401: get a new token first
    this.triedFreshToken = false; // and it was already new: give up
    this.socket = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.closedOnPurpose = false;
    this.audioHeader = null;
    this.helloSeen = false;
    this.refusal = null;
    addEventListener("online", () => this.retryNow());
  }

  get isOpen() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  async connect() {
    const previous = this.socket;
    this.socket = null; // its close event is no longer ours to handle
    if (previous && previous.readyState <= WebSocket.OPEN) previous.close();
    this.closedOnPurpose = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.helloSeen = false;
    this.refusal = null;
    this.status(this.attempt === 0 ? "connecting" : "reconnecting");
    const fresh = this.freshToken;
    this.freshToken = false;
    let token;
    try {
      token = await this.tokenFor(fresh);
    } catch (error) {
      // Signing in failed (the server is down?): try again like a dropped socket.
      this.retryLater(error?.message || "Could not sign in.");
      return;
    }
    if (this.closedOnPurpose) return;
    this.triedFreshToken = fresh;
    const protocols = token ? [SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token] : [SUBPROTOCOL];
    const socket = new WebSocket(this.url, protocols);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.dropped(socket, event);
    this.socket = socket;
  }

  /** Send one protocol message; false (nothing sent) while the connection is down. */
  send(message) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  sendAudio(pcm) {
    if (!this.isOpen) return false;
    this.socket.send(pcm);
    return true;
  }

  close() {
    this.closedOnPurpose = true;
    clearTimeout(this.retryTimer);
    this.socket?.close();
  }

  retryNow() {
    if (this.retryTimer !== null && !this.closedOnPurpose) this.connect();
  }

  receive(data) {
    if (typeof data !== "string") {
      const header = this.audioHeader;
      this.audioHeader = null;
      if (header) this.emit(header, data);
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return; // the server only sends JSON text frames; ignore anything else
    }
    if (message.type === "hello") {
      this.attempt = 0;
      this.triedFreshToken = false;
      this.helloSeen = true;
      this.status("open");
    } else if (message.type === "error" && !this.helloSeen) {
      this.refusal = message; // sent just before a refusing close
    }
    if (message.type === "reply_audio") {
      this.audioHeader = message; // its audio is the next binary frame
      return;
    }
    this.emit(message);
  }

  dropped(socket, event) {
    if (socket !== this.socket) return;
    this.audioHeader = null;
    if (this.closedOnPurpose) return;
    const refusal =
      this.refusal?.message || event.reason || "The assistant refused the connection.";
    if (event.code === CLOSE_UNAUTHORIZED && !this.triedFreshToken) {
      // The token expired (or was never good): sign in again, then reconnect at once.
      this.freshToken = true;
      this.connect();
      return;
    }
    if (FINAL_CLOSES.includes(event.code)) {
      this.status("refused", refusal);
      return;
    }
    if (event.code === CLOSE_TOO_MANY_CONNECTIONS) {
      this.retryLater(refusal); // a slot frees when another tab or device closes
      return;
    }
    this.retryLater("Connection lost");
  }

  retryLater(reason) {
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)];
    this.attempt += 1;
    this.status("reconnecting", `${reason}; retrying in ${Math.round(delay / 1000) || 1} s.`);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  emit(message, audio = null) {
    this.dispatchEvent(new CustomEvent("message", { detail: { message, audio } }));
  }

  status(state, message = "") {
    this.dispatchEvent(new CustomEvent("status", { detail: { state, message } }));
  }
}
