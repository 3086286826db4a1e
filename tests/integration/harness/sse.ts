// A Server-Sent Events client for GET /events over node:http that keeps
// every message (and comment) it receives, for the tests to wait on.
import http from "node:http";

import type { Daemon } from "./daemon.js";
import { sleep } from "./http.js";

export interface Message {
  id?: string;
  event: string;
  data: string;
}

/** A Server-Sent Events client over node:http that keeps every message. */
export class EventClient {
  messages: Message[] = [];
  comments: string[] = [];
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
        res.on("data", (chunk: Buffer) => c.feed(chunk.toString("utf8")));
        res.on("end", () => (c.ended = true));
        res.on("error", () => (c.ended = true));
        resolve();
      });
      c.req.on("error", (e) => (c.status ? (c.ended = true) : reject(e)));
    });
    return c;
  }

  private feed(text: string) {
    this.pending += text;
    let split: number;
    while ((split = this.pending.indexOf("\n\n")) >= 0) {
      const block = this.pending.slice(0, split);
      this.pending = this.pending.slice(split + 2);
      const m: Message = { event: "message", data: "" };
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
        else if (line.startsWith("id:")) m.id = line.slice(3).trim();
        else if (line.startsWith("event:")) m.event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      m.data = data.join("\n");
      if (data.length > 0 || m.id !== undefined) this.messages.push(m);
    }
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

  close() {
    this.req?.destroy();
  }
}
