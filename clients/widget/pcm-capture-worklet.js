// AudioWorklet processor: microphone samples in, 16 kHz mono PCM16 frames out.
//
// The voice channel's recogniser works at 16 kHz, and browsers capture at whatever
// rate the audio device runs (often 48 kHz). The widget asks for a 16 kHz
// AudioContext, in which case the browser has already resampled and this is a copy;
// where that is refused (Firefox with some devices), this processor low-pass filters
// below 8 kHz (so high frequencies do not fold into the speech band) and resamples
// by linear interpolation. Frames go to the page as transferred ArrayBuffers.

const PROCESSOR_NAME = "orderly-pcm16-capture";
// Keep a margin below the 8 kHz Nyquist limit of 16 kHz audio.
const CUTOFF_FRACTION_OF_TARGET = 0.45;
const BUTTERWORTH_Q = Math.SQRT1_2;

/** One RBJ-cookbook low-pass biquad; two in a row give a 24 dB/octave roll-off. */
class LowPass {
  constructor(cutoffHz, rateHz) {
    const w = (2 * Math.PI * cutoffHz) / rateHz;
    const alpha = Math.sin(w) / (2 * BUTTERWORTH_Q);
    const a0 = 1 + alpha;
    this.b0 = (1 - Math.cos(w)) / 2 / a0;
    this.b1 = (1 - Math.cos(w)) / a0;
    this.b2 = this.b0;
    this.a1 = (-2 * Math.cos(w)) / a0;
    this.a2 = (1 - alpha) / a0;
    this.x1 = this.x2 = this.y1 = this.y2 = 0;
  }

  filter(samples) {
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i];
      const y =
        this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
      this.x2 = this.x1;
      this.x1 = x;
      this.y2 = this.y1;
      this.y1 = y;
      samples[i] = y;
    }
  }
}

class Pcm16Capture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate, frameMs } = options.processorOptions;
    // `sampleRate` is the AudioContext's rate, a global of the worklet scope.
    this.step = sampleRate / targetRate;
    this.frame = new Int16Array(Math.round((targetRate * frameMs) / 1000));
    this.filled = 0;
    this.squares = 0;
    this.position = 0; // input index of the next output sample, relative to this block
    this.previous = 0; // the last input sample of the previous block
    const cutoff = CUTOFF_FRACTION_OF_TARGET * targetRate;
    this.filters =
      this.step > 1 ? [new LowPass(cutoff, sampleRate), new LowPass(cutoff, sampleRate)] : [];
    this.port.onmessage = (event) => {
      if (event.data === "flush") {
        this.emit();
        this.port.postMessage({ flushed: true });
      }
    };
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const samples = Float32Array.from(channels[0]);
    for (let c = 1; c < channels.length; c++) {
      for (let i = 0; i < samples.length; i++) samples[i] += channels[c][i];
    }
    if (channels.length > 1) for (let i = 0; i < samples.length; i++) samples[i] /= channels.length;
    for (const lowPass of this.filters) lowPass.filter(samples);
    if (this.step === 1) {
      for (const sample of samples) this.push(sample);
      return true;
    }
    const last = samples.length - 1;
    while (this.position < last) {
      const index = Math.floor(this.position);
      const before = index < 0 ? this.previous : samples[index];
      const fraction = this.position - index;
      this.push(before + (samples[index + 1] - before) * fraction);
      this.position += this.step;
    }
    this.position -= samples.length;
    this.previous = samples[last];
    return true;
  }

  push(sample) {
    const clipped = Math.max(-1, Math.min(1, sample));
    this.frame[this.filled++] = clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff;
    this.squares += clipped * clipped;
    if (this.filled === this.frame.length) this.emit();
  }

  emit() {
    if (this.filled === 0) return;
    const pcm = this.frame.slice(0, this.filled).buffer;
    const rms = Math.sqrt(this.squares / this.filled);
    this.port.postMessage({ pcm, rms }, [pcm]);
    this.filled = 0;
    this.squares = 0;
  }
}

registerProcessor(PROCESSOR_NAME, Pcm16Capture);
