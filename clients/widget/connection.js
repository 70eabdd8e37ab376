// The websocket to the assistant's voice channel (docs/voice-protocol.md), kept open.
//
// Text, microphone audio and reply audio share this one socket. When it drops, it
// is opened again with a growing delay and a token for the same customer, so the
// assistant (whose tracker is keyed by customer) resumes the same conversation.
// Close code 4401 (no token, a bad or an expired one) asks for a fresh token once
// and reconnects; if that is refused too, or on 4403 (this page's site may not
// connect) or 1008, the refusal is final: retrying cannot help.

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_FORBIDDEN_ORIGIN = 4403;

/**
 * Events: `status` ({state: "connecting" | "open" | "reconnecting" | "refused", message?}),
 * `message` ({message, audio?}) for every server message; a `reply_audio` message
 * arrives together with the binary frame it announces.
 */
export class AssistantConnection extends EventTarget {
  /**
   * @param {(freshToken: boolean) => Promise<URL>} urlFor  the URL to open (with the
   *   token), asked again on each attempt; `freshToken` after a 4401 close
   */
  constructor(urlFor) {
    super();
    this.urlFor = urlFor;
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
    let url;
    try {
      url = await this.urlFor(fresh);
    } catch (error) {
      // Signing in failed (the server is down?): try again like a dropped socket.
      this.retryLater(error?.message || "Could not sign in.");
      return;
    }
    if (this.closedOnPurpose) return;
    this.triedFreshToken = fresh;
    const socket = new WebSocket(url);
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
    if ([CLOSE_POLICY_VIOLATION, CLOSE_UNAUTHORIZED, CLOSE_FORBIDDEN_ORIGIN].includes(event.code)) {
      this.status("refused", refusal);
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
