// Server-Sent Events clients of GET /events: one over node:http that keeps
// every message, one over a raw socket that can stop reading.
import http from "node:http";
import net from "node:net";

import type { Daemon } from "./daemon.js";
import { sleep } from "./http.js";

export interface Message {
  id?: string;
  event: string;
  data: string;
}

/** Splits an event stream's text into messages and comments; returns the unparsed rest. */
export function parseSse(text: string, messages: Message[], comments: string[] = [], retries: number[] = []): string {
  let split: number;
  while ((split = text.indexOf("\n\n")) >= 0) {
    const block = text.slice(0, split);
    text = text.slice(split + 2);
    const m: Message = { event: "message", data: "" };
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) comments.push(line.slice(1).trim());
      else if (line.startsWith("retry:")) retries.push(Number(line.slice(6).trim()));
      else if (line.startsWith("id:")) m.id = line.slice(3).trim();
      else if (line.startsWith("event:")) m.event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    m.data = data.join("\n");
    if (data.length > 0 || m.id !== undefined) messages.push(m);
  }
  return text;
}

/** A Server-Sent Events client over node:http that keeps every message. */
export class EventClient {
  messages: Message[] = [];
  comments: string[] = [];
  retries: number[] = [];
  ended = false;
  status = 0;
  contentType = "";
  private req?: http.ClientRequest;
  private pending = "";

  static async open(d: Daemon, query = "", headers: Record<string, string> = {}): Promise<EventClient> {
    const c = new EventClient();
    await new Promise<void>((resolve, reject) => {
      c.req = http.get({ host: "127.0.0.1", port: d.port, path: `/events${query}`, headers, agent: false }, (res) => {
        c.status = res.statusCode ?? 0;
        c.contentType = String(res.headers["content-type"]);
        res.on("data", (chunk: Buffer) => (c.pending = parseSse(c.pending + chunk.toString("utf8"), c.messages, c.comments, c.retries)));
        res.on("end", () => (c.ended = true));
        res.on("error", () => (c.ended = true));
        resolve();
      });
      c.req.on("error", (e) => (c.status ? (c.ended = true) : reject(e)));
    });
    return c;
  }

  /**
   * Opens a stream and waits for its `retry:` line, which the daemon sends
   * in the same step as it subscribes the client to the bus: from then on,
   * no event is missed.
   */
  static async subscribed(d: Daemon, query = "", headers: Record<string, string> = {}): Promise<EventClient> {
    const c = await EventClient.open(d, query, headers);
    for (let i = 0; i < 500 && c.retries.length === 0 && !c.ended; i++) await sleep(10);
    if (c.retries.length === 0) throw new Error(`GET /events${query}: no retry line (status ${c.status})`);
    return c;
  }

  async waitFor(pred: (m: Message) => boolean, timeoutMs = 5000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find(pred);
      if (m) return m;
      if (this.ended || Date.now() > deadline) {
        throw new Error(`no such event (ended: ${this.ended}); got ${JSON.stringify(this.messages)}`);
      }
      await sleep(10);
    }
  }

  /** The parsed data of the first `event` message whose data satisfies `pred`. */
  async waitForData(
    event: string,
    pred: (data: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    const m = await this.waitFor((x) => x.event === event && pred(JSON.parse(x.data)), timeoutMs);
    return JSON.parse(m.data) as Record<string, unknown>;
  }

  /** Parsed data of every `event` message so far. */
  data(event: string): Record<string, unknown>[] {
    return this.messages.filter((m) => m.event === event).map((m) => JSON.parse(m.data) as Record<string, unknown>);
  }

  /** Waits until `pred` holds for the messages received so far. */
  async waitUntil(pred: (messages: Message[]) => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.messages)) {
      if (this.ended || Date.now() > deadline) {
        throw new Error(`${what} (ended: ${this.ended}); got ${JSON.stringify(this.messages)}`);
      }
      await sleep(10);
    }
  }

  close() {
    this.req?.destroy();
  }
}

/**
 * GET /events over a bare socket, to control reading: pause() stops taking
 * bytes from the kernel, so the daemon's side of the connection backs up.
 */
export class RawEventClient {
  /** Everything received after the response header, chunked framing removed. */
  body = "";
  header = "";
  closed = false;
  /** The server sent the last (empty) chunk: it ended the response. */
  complete = false;
  private raw = Buffer.alloc(0);
  private constructor(private readonly socket: net.Socket) {}

  static async open(d: Daemon, query = ""): Promise<RawEventClient> {
    const socket = net.connect(d.port, "127.0.0.1");
    const c = new RawEventClient(socket);
    socket.on("data", (chunk: Buffer) => c.feed(chunk));
    socket.on("close", () => (c.closed = true));
    socket.on("error", () => (c.closed = true));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.write(`GET /events${query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    for (let i = 0; i < 500 && !c.body.includes("retry:") && !c.closed; i++) await sleep(10);
    if (!c.body.includes("retry:")) throw new Error(`GET /events${query}: no retry line: ${c.header}`);
    return c;
  }

  private feed(chunk: Buffer) {
    this.raw = Buffer.concat([this.raw, chunk]);
    if (!this.header) {
      const end = this.raw.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.header = this.raw.subarray(0, end).toString("latin1");
      this.raw = this.raw.subarray(end + 4);
    }
    // Chunked transfer coding: "<hex size>\r\n<bytes>\r\n", the last one of size 0.
    for (;;) {
      const line = this.raw.indexOf("\r\n");
      if (line < 0) return;
      const size = parseInt(this.raw.subarray(0, line).toString("latin1"), 16);
      if (this.raw.length < line + 2 + size + 2) return;
      if (size === 0) this.complete = true;
      this.body += this.raw.subarray(line + 2, line + 2 + size).toString("utf8");
      this.raw = this.raw.subarray(line + 2 + size + 2);
    }
  }

  /** The messages of the body. */
  messages(): Message[] {
    const out: Message[] = [];
    parseSse(this.body, out);
    return out;
  }

  pause() {
    this.socket.pause();
  }

  resume() {
    this.socket.resume();
  }

  destroy() {
    this.socket.destroy();
  }
}
