// Plays the assistant's streamed reply audio, chunk after chunk, without gaps.
//
// The voice channel sends each reply as PCM16 chunks (`reply_audio` + a binary
// frame), in order and paced a little ahead of real time. Each chunk is scheduled
// to start exactly where the previous one ends on the AudioContext clock. A
// barge-in stops everything scheduled and drops the rest of that turn's chunks,
// which may still be in flight.

const FORMAT = "pcm_s16le";
// Headroom for the first chunk, so it is never scheduled in the past.
const START_DELAY_S = 0.05;
// The chime before news of an order ("Your order is ready!"): two short soft tones.
const CHIME_TONES_HZ = [880, 1318.5];
const CHIME_TONE_S = 0.12;
const CHIME_VOLUME = 0.15;

export class ReplyPlayer {
  /** @param {(speaking: boolean) => void} onSpeakingChange */
  constructor(onSpeakingChange) {
    this.onSpeakingChange = onSpeakingChange;
    this.context = null;
    this.sources = new Set();
    this.nextStart = 0;
    this.mutedThroughTurn = 0;
    this.lastTurn = 0;
    this.openTurn = null; // a turn whose audio has begun and whose turn_end has not come
    this.wasSpeaking = false;
  }

  /** Between two sentences' chunks the reply is still going on: still speaking. */
  get speaking() {
    return this.sources.size > 0 || this.openTurn !== null;
  }

  /** Browsers start audio only after a user gesture: call this from one. */
  unlock() {
    if (!this.context) this.context = new AudioContext();
    if (this.context.state === "suspended") this.context.resume().catch(() => {});
  }

  /** Every message about a turn counts: a barge-in also mutes replies not yet begun. */
  noteTurn(turn) {
    if (Number.isInteger(turn)) this.lastTurn = Math.max(this.lastTurn, turn);
  }

  /** Queue one chunk; `header` is its `reply_audio` message. Returns whether it will play. */
  enqueue(header, audio) {
    this.noteTurn(header.turn);
    if (header.turn <= this.mutedThroughTurn) return false;
    if (header.format !== FORMAT || header.channels !== 1 || !audio?.byteLength) return false;
    // Before any click or key press the browser keeps audio suspended: chunks queued
    // then would wait silently and pile up, so they are skipped (the text is shown).
    if (navigator.userActivation && !navigator.userActivation.hasBeenActive) return false;
    this.unlock();
    const context = this.context;
    const samples = new DataView(audio);
    const count = Math.floor(audio.byteLength / 2);
    const buffer = context.createBuffer(1, count, header.sample_rate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < count; i++) channel[i] = samples.getInt16(2 * i, true) / 0x8000;
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    const start = Math.max(this.nextStart, context.currentTime + START_DELAY_S);
    source.start(start);
    this.nextStart = start + buffer.duration;
    this.sources.add(source);
    this.openTurn = header.turn;
    source.onended = () => {
      this.sources.delete(source);
      this.changed();
    };
    this.changed();
    return true;
  }

  /**
   * A short chime, scheduled before any reply audio still to come: the assistant speaks
   * up unasked (the store changed an order). Silent until the page has had a gesture.
   */
  chime() {
    if (navigator.userActivation && !navigator.userActivation.hasBeenActive) return false;
    this.unlock();
    const context = this.context;
    let start = Math.max(this.nextStart, context.currentTime + START_DELAY_S);
    for (const frequency of CHIME_TONES_HZ) {
      const tone = context.createOscillator();
      const volume = context.createGain();
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(CHIME_VOLUME, start);
      volume.gain.exponentialRampToValueAtTime(0.001, start + CHIME_TONE_S);
      tone.connect(volume).connect(context.destination);
      tone.start(start);
      tone.stop(start + CHIME_TONE_S);
      start += CHIME_TONE_S;
    }
    this.nextStart = start;
    return true;
  }

  /** The server's `turn_end`: no more audio will come for `turn`. */
  endTurn(turn) {
    if (this.openTurn === turn) this.openTurn = null;
    this.changed();
  }

  /** Barge-in: silence now, and ignore what is left of the turns heard so far. */
  stop() {
    this.mutedThroughTurn = this.lastTurn;
    this.openTurn = null;
    for (const source of this.sources) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // never started: nothing to stop
      }
    }
    this.sources.clear();
    this.nextStart = 0;
    this.changed();
  }

  /** A new connection numbers its turns from 1 again. */
  reset() {
    this.stop();
    this.mutedThroughTurn = 0;
    this.lastTurn = 0;
  }

  changed() {
    if (this.speaking === this.wasSpeaking) return;
    this.wasSpeaking = this.speaking;
    this.onSpeakingChange(this.speaking);
  }
}
