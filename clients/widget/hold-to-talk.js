// The microphone button's gesture: record while it is held, by mouse, touch or keyboard.
//
// Press and hold (or hold Space or Enter while it has the focus) to talk; release to
// send. Each utterance is ended by the customer, so the widget uses the voice
// channel's client endpointing and never cuts a sentence at a pause.

import { Microphone, MicrophoneError } from "./microphone.js";

const HOLD_KEYS = new Set([" ", "Enter"]);

export class HoldToTalk {
  /**
   * @param {HTMLButtonElement} button
   * @param {URL} workletUrl  where pcm-capture-worklet.js is served
   * @param {object} handlers
   *   begin(): a press; return false to refuse it (not connected)
   *   frame(pcm, rms): 40 ms of 16 kHz PCM16 while held
   *   end(): released, and every frame has been delivered
   *   failed(message): the microphone could not be opened; the message is for the user
   */
  constructor(button, workletUrl, handlers) {
    this.handlers = handlers;
    this.microphone = new Microphone(workletUrl, handlers.frame);
    this.recording = null;
    button.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault(); // no focus-stealing, text selection or drag on a long press
      button.setPointerCapture?.(event.pointerId);
      this.press();
    });
    for (const name of ["pointerup", "pointercancel", "lostpointercapture"]) {
      button.addEventListener(name, () => this.release());
    }
    button.addEventListener("keydown", (event) => {
      if (!HOLD_KEYS.has(event.key)) return;
      event.preventDefault();
      if (!event.repeat) this.press();
    });
    button.addEventListener("keyup", (event) => {
      if (HOLD_KEYS.has(event.key)) this.release();
    });
    button.addEventListener("contextmenu", (event) => event.preventDefault());
  }

  get active() {
    return this.recording !== null;
  }

  press() {
    if (this.recording || !this.handlers.begin()) return;
    // Resolves to whether the microphone opened; a failure is reported once, here.
    this.recording = this.microphone.open().then(
      () => true,
      (error) => {
        this.recording = null;
        this.handlers.failed(error instanceof MicrophoneError ? error.message : String(error));
        return false;
      },
    );
  }

  async release() {
    const recording = this.recording;
    if (!recording || !(await recording)) return;
    await this.microphone.close();
    this.recording = null;
    this.handlers.end();
  }
}
