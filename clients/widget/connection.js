// The websocket to the assistant's voice channel (docs/voice-protocol.md), kept open.
//
// Text, microphone audio and reply audio share this one socket. When it drops, it
// is opened again with a growing delay and the same sender id, so the assistant
// (whose tracker is keyed by sender) resumes the same conversation. A refusal
// (close code 1008: bad token, forbidden origin) is final: retrying cannot help.

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const CLOSE_POLICY_VIOLATION = 1008;

/**
 * Events: `status` ({state: "connecting" | "open" | "reconnecting" | "refused", message?}),
 * `message` ({message, audio?}) for every server message; a `reply_audio` message
 * arrives together with the binary frame it announces.
 */
export class AssistantConnection extends EventTarget {
  /** @param {() => URL} urlFor  the URL to open, asked again on each attempt */
  constructor(urlFor) {
    super();
    this.urlFor = urlFor;
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

  connect() {
    this.closedOnPurpose = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.helloSeen = false;
    this.refusal = null;
    this.status(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(this.urlFor());
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
      this.helloSeen = true;
      this.status("open");
    } else if (message.type === "error" && !this.helloSeen) {
      this.refusal = message; // sent just before a 1008 close
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
    if (event.code === CLOSE_POLICY_VIOLATION) {
      const message =
        this.refusal?.message || event.reason || "The assistant refused the connection.";
      this.status("refused", message);
      return;
    }
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)];
    this.attempt += 1;
    this.status("reconnecting", `Connection lost; retrying in ${Math.round(delay / 1000) || 1} s.`);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  emit(message, audio = null) {
    this.dispatchEvent(new CustomEvent("message", { detail: { message, audio } }));
  }

  status(state, message = "") {
    this.dispatchEvent(new CustomEvent("status", { detail: { state, message } }));
  }
}
