// The well-behaved clients of the soak: a churn client that creates, patches
// and deletes streams and remembers every change rocd acknowledged, and SSE
// clients on GET /events (some of them slow readers) that check they saw
// every event id.
import net from "node:net";

import { sleep } from "./procs.mjs";

/**
 * Every `periodMs`: create a stream (`makeBody(step)` gives {body, release},
 * release() freeing its UDP port once the stream is gone); PATCH the target latency of one alive
 * churn stream every other step; delete the oldest once more than
 * `keep` are alive. A change counts only when rocd acknowledged it (201,
 * 200, 204); a request without an answer (timeout, reset) is "unknown" and
 * reported apart, since it may or may not have happened.
 */
export class Churn {
  constructor(api, makeBody, { periodMs = 2000, keep = 3 } = {}) {
    Object.assign(this, { api, makeBody, periodMs, keep });
    /** uid → {body, latency} of streams that should exist. */
    this.alive = new Map();
    this.acked = { create: 0, patch: 0, delete: 0 };
    this.refused = {}; // "POST 409" → count
    this.refusals = []; // the first ten, in full
    this.unknown = [];
    this.latencyMs = [];
    this.stopped = false;
    this.step = 0;
  }

  async #send(what, method, path, body) {
    const t = performance.now();
    try {
      const r = await this.api.request(method, path, body);
      this.latencyMs.push(performance.now() - t);
      if (r.status >= 300) {
        this.refused[`${method} ${r.status}`] = (this.refused[`${method} ${r.status}`] ?? 0) + 1;
        if (this.refusals.length < 10) {
          this.refusals.push({ at: new Date().toISOString(), method, path, status: r.status, problem: r.body, body });
        }
      }
      return r;
    } catch (error) {
      this.unknown.push(`${what}: ${error.message}`);
      return undefined;
    }
  }

  async #once() {
    const step = this.step++;
    const { body, release } = this.makeBody(step);
    const created = await this.#send("create", "POST", "/streams", body);
    if (created?.status === 201) {
      this.acked.create++;
      const latency = created.body.settings?.target_latency_ms ?? null;
      this.alive.set(created.body.stream_uid, { body, release, latency });
    } else if (created !== undefined) release();
    const receives = [...this.alive].filter(([, s]) => s.body.source.type === "address");
    if (step % 2 === 1 && receives.length > 0) {
      const [uid, s] = receives[step % receives.length];
      const latency = 100 + 10 * (step % 20);
      const patched = await this.#send("patch", "PATCH", `/streams/${uid}`, { settings: { target_latency_ms: latency } });
      if (patched?.status === 200) {
        this.acked.patch++;
        s.latency = latency;
      }
    }
    while (this.alive.size > this.keep) await this.#remove(this.alive.keys().next().value);
  }

  async #remove(uid) {
    const removed = await this.#send("delete", "DELETE", `/streams/${uid}`);
    const entry = this.alive.get(uid);
    if (removed?.status === 204) {
      this.acked.delete++;
      this.alive.delete(uid);
      entry.release();
    } else if (removed !== undefined) {
      // Refused: the stream is still there; keep it as alive and try again later.
      this.alive.delete(uid);
      this.alive.set(uid, entry);
    } else this.alive.delete(uid); // unknown outcome, reported
  }

  async run() {
    for (let next = Date.now(); !this.stopped; ) {
      await this.#once();
      next += this.periodMs;
      while (!this.stopped && Date.now() < next) await sleep(Math.min(200, next - Date.now()));
    }
  }

  /** Deletes every churn stream still alive (after the final check). */
  async drain() {
    for (const uid of [...this.alive.keys()]) await this.#remove(uid);
  }
}

/**
 * GET /events over a raw socket from a given loopback address, so that
 * reading can be paused: `pauseMs` > 0 makes a slow client that takes one
 * chunk and then stops reading for that long. On a closed stream (overflow,
 * eviction, daemon gone) it reconnects after 1 s with Last-Event-ID, which
 * replays what it missed.
 */
export class SseClient {
  constructor(port, localAddress, pauseMs = 0) {
    Object.assign(this, { port, localAddress, pauseMs });
    this.lastId = 0;
    this.events = 0;
    this.missing = 0; // ids skipped and never replayed
    this.duplicates = 0;
    this.connects = 0;
    this.refusals = 0; // answers other than 200 (e.g. 503 too-many-event-clients)
    this.overflows = 0;
    this.replayGaps = 0;
    this.heartbeats = 0;
    this.types = {}; // event type → count
    this.stopped = false;
  }

  open() {
    if (this.stopped) return;
    this.connects++;
    const socket = net.connect({ host: "127.0.0.1", port: this.port, localAddress: this.localAddress });
    this.socket = socket;
    let raw = Buffer.alloc(0);
    let header = "";
    let text = "";
    socket.on("connect", () =>
      socket.write(
        `GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n` +
          (this.lastId ? `Last-Event-ID: ${this.lastId}\r\n` : "") +
          "\r\n",
      ),
    );
    socket.on("data", (chunk) => {
      raw = Buffer.concat([raw, chunk]);
      if (!header) {
        const end = raw.indexOf("\r\n\r\n");
        if (end < 0) return;
        header = raw.subarray(0, end).toString("latin1");
        raw = raw.subarray(end + 4);
        if (!/^HTTP\/1\.1 200/.test(header)) {
          this.refusals++;
          socket.destroy();
          return;
        }
      }
      // Chunked transfer coding: "<hex size>\r\n<bytes>\r\n".
      for (;;) {
        const line = raw.indexOf("\r\n");
        if (line < 0) break;
        const size = parseInt(raw.subarray(0, line).toString("latin1"), 16);
        if (raw.length < line + 2 + size + 2) break;
        text += raw.subarray(line + 2, line + 2 + size).toString("utf8");
        raw = raw.subarray(line + 2 + size + 2);
      }
      text = this.#parse(text);
      if (this.pauseMs > 0 && !this.stopped) {
        socket.pause();
        setTimeout(() => socket.resume(), this.pauseMs).unref();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (!this.stopped) setTimeout(() => this.open(), 1000).unref();
    });
  }

  #parse(text) {
    let split;
    while ((split = text.indexOf("\n\n")) >= 0) {
      const block = text.slice(0, split);
      text = text.slice(split + 2);
      if (block.startsWith(": heartbeat")) this.heartbeats++;
      const id = block.match(/^id: ?(\d+)$/m);
      const event = block.match(/^event: ?(.*)$/m)?.[1];
      if (event === "overflow") this.overflows++;
      if (event === "replay_gap") this.replayGaps++;
      if (!id) continue;
      const n = Number(id[1]);
      if (n <= this.lastId) this.duplicates++;
      else {
        this.types[event] = (this.types[event] ?? 0) + 1;
        // The first event of a client starts its count; after that every id must follow.
        if (this.lastId > 0 && n > this.lastId + 1) this.missing += n - this.lastId - 1;
        this.lastId = n;
        this.events++;
      }
    }
    return text;
  }

  /** Reads at full speed from now on (for the final check). */
  hurry() {
    this.pauseMs = 0;
    this.socket?.resume();
  }

  close() {
    this.stopped = true;
    this.socket?.destroy();
  }
}
