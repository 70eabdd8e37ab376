// The microphone for hold-to-talk: opened on press, closed on release.
//
// The device is opened only while the user holds the button, so the browser's
// recording indicator means what it says. Samples become 16 kHz PCM16 frames in an
// AudioWorklet (pcm-capture-worklet.js) off the main thread.

export const CAPTURE_RATE = 16000;
const FRAME_MS = 40;
const PROCESSOR_NAME = "orderly-pcm16-capture";
// A release must not wait forever for the worklet's last partial frame.
const FLUSH_TIMEOUT_MS = 500;

/** A microphone problem the user can act on; `message` is written for them. */
export class MicrophoneError extends Error {}

export class Microphone {
  /**
   * @param {URL} workletUrl  where pcm-capture-worklet.js is served
   * @param {(pcm: ArrayBuffer, rms: number) => void} onFrame  each 40 ms of 16 kHz PCM16
   */
  constructor(workletUrl, onFrame) {
    this.workletUrl = workletUrl;
    this.onFrame = onFrame;
    this.context = null;
    this.stream = null;
    this.source = null;
    this.node = null;
  }

  get isOpen() {
    return this.stream !== null;
  }

  /** Start capturing; throws MicrophoneError with a message for the user. */
  async open() {
    if (this.isOpen) return;
    if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === "undefined") {
      throw new MicrophoneError(
        "This browser cannot record here: the microphone needs a secure page (https or localhost).",
      );
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false },
      });
    } catch (error) {
      throw new MicrophoneError(describeGetUserMediaError(error));
    }
    this.stream = stream;
    try {
      await this.connect(stream);
    } catch (error) {
      this.release();
      throw new MicrophoneError(`The microphone could not be started (${error.message}).`);
    }
  }

  /** Stop capturing after the last partial frame has been delivered. */
  async close() {
    if (!this.isOpen) return;
    const node = this.node;
    if (node) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
        node.port.addEventListener("message", (event) => {
          if (event.data?.flushed) {
            clearTimeout(timer);
            resolve();
          }
        });
        node.port.postMessage("flush");
      });
    }
    this.release();
  }

  async connect(stream) {
    const context = await this.audioContext();
    try {
      this.source = context.createMediaStreamSource(stream);
    } catch (error) {
      // Firefox refuses to connect a device to a context of another rate: fall back
      // to the device's rate and let the worklet resample.
      if (error.name !== "NotSupportedError") throw error;
      await context.close();
      this.context = null;
      const fallback = await this.audioContext({});
      this.source = fallback.createMediaStreamSource(stream);
    }
    this.node = new AudioWorkletNode(this.context, PROCESSOR_NAME, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      processorOptions: { targetRate: CAPTURE_RATE, frameMs: FRAME_MS },
    });
    this.node.port.onmessage = (event) => {
      if (event.data?.pcm) this.onFrame(event.data.pcm, event.data.rms);
    };
    this.source.connect(this.node);
  }

  async audioContext(options = { sampleRate: CAPTURE_RATE }) {
    if (!this.context) {
      let context;
      try {
        context = new AudioContext(options);
      } catch {
        context = new AudioContext();
      }
      await context.audioWorklet.addModule(this.workletUrl);
      this.context = context;
    }
    if (this.context.state === "suspended") await this.context.resume();
    return this.context;
  }

  release() {
    this.source?.disconnect();
    if (this.node) this.node.port.onmessage = null;
    this.stream?.getTracks().forEach((track) => track.stop());
    this.source = this.node = this.stream = null;
  }
}

function describeGetUserMediaError(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Microphone access was not allowed. Allow it in the browser, or type instead.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. You can type instead.";
    case "NotReadableError":
      return "The microphone is busy in another application.";
    default:
      return `The microphone could not be opened (${error?.message || error}).`;
  }
}
