// Audio files and checks for the tests that move real audio: a WAV tone to
// play with pw-play, a WAV reader for what pw-record captured, and the power
// of one frequency (Goertzel) to tell a tone from noise or silence.
import { readFileSync, writeFileSync } from "node:fs";

/** Writes a 16-bit PCM WAV holding a sine of `hz` on every channel. */
export function writeToneWav(path: string, hz: number, seconds: number, rate = 48000, channels = 2, amplitude = 0.5) {
  const frames = Math.round(seconds * rate);
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / rate));
    for (let c = 0; c < channels; c++) data.writeInt16LE(v, (i * channels + c) * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

export interface Wav {
  rate: number;
  channels: number;
  /** The first channel, as floats in [-1, 1]. */
  samples: Float32Array;
}

/**
 * Reads a PCM (16/32-bit int) or IEEE float (32-bit) WAV, plain or
 * WAVE_FORMAT_EXTENSIBLE. A data chunk whose size was never written (the
 * recorder was killed) runs to the end of the file.
 */
export function readWav(path: string): Wav {
  const buf = readFileSync(path);
  if (buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error(`${path}: not a WAV file`);
  }
  let format = 0;
  let channels = 0;
  let rate = 0;
  let bits = 0;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if (format === 0xfffe) format = buf.readUInt16LE(body + 24); // the sub-format GUID's first bytes
    } else if (id === "data") {
      const end = size === 0 || size === 0xffffffff || body + size > buf.length ? buf.length : body + size;
      const width = bits / 8;
      const frames = Math.floor((end - body) / (width * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        const at = body + i * width * channels;
        if (format === 3 && bits === 32) samples[i] = buf.readFloatLE(at);
        else if (format === 1 && bits === 16) samples[i] = buf.readInt16LE(at) / 32768;
        else if (format === 1 && bits === 32) samples[i] = buf.readInt32LE(at) / 2147483648;
        else throw new Error(`${path}: unsupported WAV format ${format}/${bits} bits`);
      }
      return { rate, channels, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Mean power of `hz` in `samples` (Goertzel); a full-scale sine gives 0.25. */
export function powerAt(samples: Float32Array, hz: number, rate: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const n = samples.length;
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (n * n);
}

/** Root mean square. */
export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

export interface ToneCheck {
  /** Power of the tone's frequency. */
  tone: number;
  /** Largest power at the other frequencies checked. */
  other: number;
  rms: number;
}

/** The tone's power against other frequencies, over `samples`. */
export function checkTone(samples: Float32Array, hz: number, rate: number): ToneCheck {
  const others = [hz / 2, hz * 1.5, hz * 2, hz * 3].map((f) => powerAt(samples, f, rate));
  return { tone: powerAt(samples, hz, rate), other: Math.max(...others), rms: rms(samples) };
}
