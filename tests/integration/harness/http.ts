// Low-level HTTP helpers for what a well-behaved client cannot send (broken
// framing, half headers, forbidden headers such as Origin) and checks shared
// by the test files.
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";

import type { components } from "../generated/api.js";

export type Problem = components["schemas"]["Problem"];

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The client-side port of the connection that carried the request. */
  localPort: number | undefined;
}

export interface HttpRequestOptions {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  agent?: http.Agent | false;
}

/** One request through node:http (which, unlike fetch, sends any header). */
export function httpRequest(port: number, opts: HttpRequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: opts.method ?? "GET",
        path: opts.path,
        headers: opts.headers ?? {},
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const localPort = res.socket?.localPort;
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), localPort }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export interface RawExchange {
  /** Everything the server sent before it closed. */
  data: string;
  /** True if the server closed the connection (FIN or reset) before the timeout. */
  closed: boolean;
  /** Milliseconds from the first write to the close (or the timeout). */
  elapsedMs: number;
}

/**
 * Writes `chunks` on a fresh TCP connection (waiting `gapMs` between them)
 * and collects the answer until the server closes or `timeoutMs` passes.
 */
export function rawExchange(
  port: number,
  chunks: Array<string | Buffer>,
  { timeoutMs = 3000, gapMs = 0 }: { timeoutMs?: number; gapMs?: number } = {},
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let data = "";
    let started = 0;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data, closed, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("data", (c: Buffer) => (data += c.toString("utf8")));
    socket.on("end", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNRESET" || e.code === "EPIPE") finish(true);
      else if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(e);
      }
    });
    socket.on("connect", async () => {
      started = Date.now();
      for (const chunk of chunks) {
        if (settled) return;
        socket.write(chunk);
        if (gapMs > 0) await sleep(gapMs);
      }
    });
  });
}

/** Status line, headers and body of one raw HTTP/1.1 response. */
export function parseRawResponse(text: string): { status: number; headers: Map<string, string>; body: string } {
  const split = text.indexOf("\r\n\r\n");
  assert.ok(split > 0, `not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, split).split("\r\n");
  const status = Number(statusLine!.split(" ")[1]);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status, headers, body: text.slice(split + 4) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Checks an RFC 9457 answer: the media type, the stable `type`, `status`,
 * a human `detail` and, for validation errors, the offending `field`.
 */
export function assertProblem(
  contentType: string | null | undefined,
  body: unknown,
  expect: { status: number; type: string; field?: string | undefined; detail?: RegExp },
): Problem {
  assert.equal(contentType, "application/problem+json", "problem content type");
  assert.ok(body !== null && typeof body === "object", `problem body is an object: ${JSON.stringify(body)}`);
  const p = body as Problem;
  assert.equal(p.type, `urn:rocd:problem:${expect.type}`, `problem type of ${JSON.stringify(p)}`);
  assert.equal(p.status, expect.status);
  assert.equal(typeof p.title, "string");
  assert.ok(p.title.length > 0, "title is not empty");
  assert.equal(typeof p.detail, "string");
  assert.ok(p.detail.length > 0, "detail is not empty");
  if (expect.field !== undefined) {
    assert.equal(p.field, expect.field, `problem field of ${JSON.stringify(p)}`);
  }
  if (expect.detail !== undefined) {
    assert.match(p.detail, expect.detail);
  }
  return p;
}

/** A response from fetch/openapi-fetch whose body is a problem document. */
export async function assertFetchProblem(
  response: Response,
  body: unknown,
  expect: { status: number; type: string; field?: string; detail?: RegExp },
): Promise<Problem> {
  assert.equal(response.status, expect.status, `status of ${JSON.stringify(body)}`);
  return assertProblem(response.headers.get("content-type"), body, expect);
}

export const uidPattern = /^[a-z0-9]{6}-[a-z0-9]{6}-[a-z0-9]{6}$/;

/** A connection the test keeps open between requests. */
export class Conn {
  private data = "";
  closed = false;
  private constructor(private socket: net.Socket) {
    socket.on("data", (c: Buffer) => (this.data += c.toString("utf8")));
    socket.on("close", () => (this.closed = true));
    socket.on("error", () => (this.closed = true));
  }
  /** `localAddress`: the client's own address (another loopback address is another client). */
  static open(port: number, localAddress?: string): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: "127.0.0.1", port, localAddress }, () => resolve(new Conn(s)));
      s.once("error", reject);
    });
  }
  /** Sends one GET and waits for its whole (Content-Length framed) answer. */
  async get(path: string, timeoutMs = 3000): Promise<ReturnType<typeof parseRawResponse>> {
    this.data = "";
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const split = this.data.indexOf("\r\n\r\n");
      if (split > 0) {
        const res = parseRawResponse(this.data);
        if (Buffer.byteLength(res.body) >= Number(res.headers.get("content-length") ?? 0)) return res;
      }
      if (this.closed) break;
      await sleep(10);
    }
    throw new Error(`no complete answer to GET ${path}: ${JSON.stringify(this.data)}`);
  }
  /** Writes raw bytes and returns at once. */
  send(bytes: string): void {
    this.socket.write(bytes);
  }
  /** What came back so far. */
  received(): string {
    return this.data;
  }
  close(): void {
    this.socket.destroy();
  }
}
