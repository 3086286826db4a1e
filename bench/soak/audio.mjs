// The judged audio: a long tone WAV to send, and a 10 ms window judge for
// what came out (pw-record captures, rocd-recv's output), read in chunks so
// that half an hour of audio never sits in memory at once.
import { closeSync, openSync, readSync, writeSync } from "node:fs";

export const toneHz = 1000;

/**
 * Writes a 16-bit PCM WAV of a 1 kHz sine on every channel. At 44.1 and
 * 48 kHz, 10 ms hold exactly 10 periods, so one 10 ms tile repeats without
 * a seam.
 */
export function writeToneWav(path, seconds, rate = 44100, channels = 2, amplitude = 0.5) {
  const tileFrames = rate / 100;
  const tile = Buffer.alloc(tileFrames * channels * 2);
  for (let i = 0; i < tileFrames; i++) {
    const v = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * toneHz * i) / rate));
    for (let c = 0; c < channels; c++) tile.writeInt16LE(v, (i * channels + c) * 2);
  }
  const second = Buffer.concat(Array.from({ length: 100 }, () => tile));
  const dataBytes = second.length * Math.ceil(seconds);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + dataBytes, 4);
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
  header.writeUInt32LE(dataBytes, 40);
  const fd = openSync(path, "w");
  writeSync(fd, header);
  for (let s = 0; s < Math.ceil(seconds); s++) writeSync(fd, second);
  closeSync(fd);
}

/** The WAV's format and where its samples are; the data runs to the end of the file (a killed recorder never wrote its size). */
function wavLayout(fd) {
  const head = Buffer.alloc(4096);
  const got = readSync(fd, head, 0, head.length, 0);
  if (got < 12 || head.toString("ascii", 0, 4) !== "RIFF" || head.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error("not a WAV file");
  }
  let format = 0;
  let channels = 0;
  let rate = 0;
  let bits = 0;
  for (let offset = 12; offset + 8 <= got; ) {
    const id = head.toString("ascii", offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      format = head.readUInt16LE(body);
      channels = head.readUInt16LE(body + 2);
      rate = head.readUInt32LE(body + 4);
      bits = head.readUInt16LE(body + 14);
      if (format === 0xfffe) format = head.readUInt16LE(body + 24); // WAVE_FORMAT_EXTENSIBLE's sub-format
    } else if (id === "data") {
      if (!((format === 1 && bits === 16) || (format === 3 && bits === 32))) {
        throw new Error(`unsupported WAV format ${format}/${bits} bits`);
      }
      return { format, channels, rate, bits, data: body };
    }
    offset = body + size + (size % 2);
  }
  throw new Error("no data chunk in the first 4 KiB");
}

/**
 * Least-squares fit of a 1 kHz tone with a slowly changing amplitude and
 * phase (sin, cos, t·sin, t·cos) over one window of n samples: the linear
 * terms absorb the drift compensation's small frequency offsets (≤ 1 %), so
 * what is left (the residual) is noise, clicks, gaps and foreign audio.
 */
function makeFit(n, rate) {
  const basis = [0, 1, 2, 3].map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const w = (2 * Math.PI * toneHz * i) / rate;
    const t = (i - (n - 1) / 2) / n;
    basis[0][i] = Math.sin(w);
    basis[1][i] = Math.cos(w);
    basis[2][i] = t * Math.sin(w);
    basis[3][i] = t * Math.cos(w);
  }
  const gram = basis.map((a) => basis.map((b) => a.reduce((s, x, i) => s + x * b[i], 0)));
  const inverse = invert4(gram);
  const dots = new Float64Array(4);
  return (x, offset, stride) => {
    let energy = 0;
    dots.fill(0);
    for (let i = 0; i < n; i++) {
      const v = x[offset + i * stride];
      energy += v * v;
      dots[0] += v * basis[0][i];
      dots[1] += v * basis[1][i];
      dots[2] += v * basis[2][i];
      dots[3] += v * basis[3][i];
    }
    const coef = inverse.map((row) => row[0] * dots[0] + row[1] * dots[1] + row[2] * dots[2] + row[3] * dots[3]);
    const fitted = coef[0] * dots[0] + coef[1] * dots[1] + coef[2] * dots[2] + coef[3] * dots[3];
    return { amplitude: Math.hypot(coef[0], coef[1]), residual: Math.sqrt(Math.max(0, energy - fitted) / n) };
  };
}

function invert4(m) {
  const a = m.map((row, i) => [...row, ...[0, 1, 2, 3].map((j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 8; j++) a[c][j] /= d;
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let j = 0; j < 8; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(4));
}

/**
 * Measures every 10 ms window of a WAV (all channels): the tone's amplitude
 * and the residual's RMS, per window the worst channel's (lowest amplitude,
 * highest residual). Returns {rate, windows, amplitude, residual}.
 */
export function measureWav(path) {
  const fd = openSync(path, "r");
  try {
    const { format, channels, rate, bits, data } = wavLayout(fd);
    const n = rate / 100;
    const fit = makeFit(n, rate);
    const frameBytes = (bits / 8) * channels;
    const chunkWindows = 1000;
    const buf = Buffer.alloc(chunkWindows * n * frameBytes);
    const samples = new Float32Array(chunkWindows * n * channels);
    const amplitude = [];
    const residual = [];
    for (let pos = data; ; ) {
      const got = readSync(fd, buf, 0, buf.length, pos);
      const windows = Math.floor(got / (n * frameBytes));
      if (windows === 0) break;
      pos += windows * n * frameBytes;
      const count = windows * n * channels;
      // Buffer.alloc of this size owns its ArrayBuffer from offset 0: aligned views.
      if (format === 3) samples.set(new Float32Array(buf.buffer, buf.byteOffset, count));
      else {
        const ints = new Int16Array(buf.buffer, buf.byteOffset, count);
        for (let i = 0; i < count; i++) samples[i] = ints[i] / 32768;
      }
      for (let w = 0; w < windows; w++) {
        let amp = Infinity;
        let res = 0;
        for (let c = 0; c < channels; c++) {
          const r = fit(samples, w * n * channels + c, channels);
          amp = Math.min(amp, r.amplitude);
          res = Math.max(res, r.residual);
        }
        amplitude.push(amp);
        residual.push(res);
      }
    }
    return { rate, windows: amplitude.length, amplitude: Float32Array.from(amplitude), residual: Float32Array.from(residual) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Clean windows: the tone within ±2 dB of the chain's own steady level (the
 * median amplitude, over all its recordings, of the windows that fit a tone
 * well) and a residual RMS of at most 5 % of the tone's amplitude (23 dB
 * under the tone; a 16-bit, resampled tone leaves about −70 dB, a 1 ms
 * dropout about −14 dB). Returns the level and one Uint8Array of verdicts
 * per measurement.
 */
export function judge(measures) {
  const good = [];
  for (const m of measures) {
    for (let i = 0; i < m.windows; i++) {
      if (m.amplitude[i] > 0.01 && m.residual[i] < 0.02 * m.amplitude[i]) good.push(m.amplitude[i]);
    }
  }
  good.sort((a, b) => a - b);
  const level = good.length ? good[Math.floor(good.length / 2)] : 0;
  const verdicts = measures.map((m) => {
    const clean = new Uint8Array(m.windows);
    for (let i = 0; i < m.windows; i++) {
      const a = m.amplitude[i];
      clean[i] = level > 0 && a > level * 0.794 && a < level * 1.259 && m.residual[i] <= 0.05 * a ? 1 : 0;
    }
    return clean;
  });
  return { level, verdicts };
}

/**
 * One chain's figures over the measured period [from, to) (wall-clock ms).
 * `segments`: [{endAt, clean}] — the verdicts of one recording each, placed
 * on the wall clock from the recorder's exit backwards (window i of n ends
 * at endAt − (n − 1 − i)·10 ms; the recorders write continuously, so the
 * placement is good to the recorder's exit latency, tens of ms). Time no
 * recording covers counts as unclean.
 *
 * `restarts`: [{at, backAt}], when each restart command began and when
 * the sandbox was running again. A restart's gap ends where 1 s of clean
 * windows in a row starts, no earlier than `backAt` (no tone passes through
 * PipeWire before); it starts, looking back from there, at the earliest
 * unclean window not separated from it by 1 s of clean tone, and no
 * earlier than `at`. So a glitch between the command and PipeWire's actual
 * stop (WirePlumber is stopped first) stays a glitch outside the gaps; and
 * a gap ends at the latest 30 s after `backAt`.
 */
export function audioFigures(segments, from, to, restarts) {
  const slots = Math.max(0, Math.floor((to - from) / 10));
  const clean = new Uint8Array(slots);
  const recorded = new Uint8Array(slots);
  for (const { endAt, clean: verdicts } of segments) {
    for (let i = 0; i < verdicts.length; i++) {
      const slot = Math.floor((endAt - (verdicts.length - i) * 10 - from) / 10);
      if (slot < 0 || slot >= slots) continue;
      recorded[slot] = 1;
      clean[slot] = verdicts[i];
    }
  }
  const runStart = (s) => {
    for (let i = s; i < slots; i++) {
      let k = 0;
      while (k < 100 && i + k < slots && clean[i + k]) k++;
      if (k === 100 || i + k === slots) return i;
      i += k;
    }
    return slots;
  };
  const slotOf = (t) => Math.min(slots, Math.max(0, Math.floor((t - from) / 10)));
  const inGap = new Uint8Array(slots);
  const gaps = restarts.map(({ at, backAt }) => {
    const begin = slotOf(at);
    // Audio still missing 30 s after PipeWire is back is no longer the restart's doing.
    const end = Math.min(runStart(Math.max(begin, slotOf(backAt))), slotOf(backAt + 30_000));
    let start = end;
    for (let i = end - 1, run = 0; i >= begin; i--) {
      if (!clean[i]) {
        start = i;
        run = 0;
      } else if (++run >= 100) break;
    }
    inGap.fill(1, start, end);
    return (end - start) * 10;
  });
  let cleanAll = 0;
  let steady = 0;
  let cleanSteady = 0;
  let glitches = 0;
  let longest = 0;
  for (let i = 0, run = 0; i < slots; i++) {
    cleanAll += clean[i];
    if (inGap[i]) continue;
    steady++;
    cleanSteady += clean[i];
    if (!clean[i]) {
      if (run === 0) glitches++;
      run++;
      longest = Math.max(longest, run);
    } else run = 0;
  }
  return {
    windows: slots,
    recorded: recorded.reduce((s, x) => s + x, 0),
    clean: cleanAll,
    cleanShare: slots ? cleanAll / slots : 0,
    gapsMs: gaps,
    steadyWindows: steady,
    steadyClean: cleanSteady,
    steadyShare: steady ? cleanSteady / steady : 0,
    glitches,
    longestGlitchMs: longest * 10,
  };
}
