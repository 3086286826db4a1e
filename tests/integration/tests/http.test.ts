// Connection-level behaviour: keep-alive, CORS, timeouts, the connection
// cap and TLS.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { join } from "node:path";
import { describe, it } from "node:test";

import type { components } from "../generated/api.js";
import { startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { Conn, assertProblem, httpRequest, parseRawResponse, rawExchange, sleep, uidPattern } from "../harness/http.js";

/** A mock fixture whose virtual-device creation takes 1.5 s: a POST of a port keeps its connection answering. */
function slowFixture(dir: string): string {
  const path = join(dir, "slow-mock.json");
  writeFileSync(path, JSON.stringify({ create_delay_ms: 1500, devices: [] }));
  return path;
}

function slowPost(name: string): string {
  const body = JSON.stringify({ direction: "output", display_name: name });
  return `POST /peers/self/ports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}

/** Client ports of the access-log lines matching `pattern`, once there are `count` (the line follows the answer). */
async function accessLogPorts(d: Daemon, pattern: RegExp, count: number): Promise<string[]> {
  let ports: string[] = [];
  for (let i = 0; i < 200; i++) {
    ports = [...d.logs().matchAll(pattern)].map((m) => m[1]!);
    if (ports.length >= count) break;
    await sleep(10);
  }
  return ports;
}

/** A self-signed certificate for 127.0.0.1 / localhost in `dir`: its files and the PEM to trust. */
function selfSignedCert(dir: string): { cert: string; key: string; ca: Buffer } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ], { stdio: "ignore" });
  return { cert, key, ca: readFileSync(cert) };
}

describe("HTTP behaviour", () => {
  it("keep-alive: consecutive requests share one connection", async () => {
    const d = await startDaemon();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const ports = new Set<number | undefined>();
      for (let i = 0; i < 5; i++) {
        const res = await httpRequest(d.port, { path: i % 2 ? "/status" : "/peers", agent });
        assert.equal(res.status, 200);
        assert.notEqual(res.headers.connection, "close");
        ports.add(res.localPort);
      }
      assert.equal(ports.size, 1, "node reused its socket");
      // The daemon's access log names the client's address: one port for all five.
      const logged = await accessLogPorts(d, /http 127\.0\.0\.1:(\d+) GET \/(status|peers) -> 200/g, 5);
      assert.equal(logged.length, 5);
      assert.equal(new Set(logged).size, 1, d.logs());

      // An error answer keeps the connection too (the body was read whole).
      const conn = await Conn.open(d.port);
      assert.equal((await conn.get("/nope")).status, 404);
      assert.equal((await conn.get("/status")).status, 200);
      conn.close();
    } finally {
      agent.destroy();
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });

  it("CORS is off by default", async () => {
    const d = await startDaemon();
    try {
      const res = await httpRequest(d.port, { path: "/status", headers: { Origin: "http://evil.example" } });
      assert.equal(res.status, 200);
      assert.equal(res.headers["access-control-allow-origin"], undefined);
      const preflight = await httpRequest(d.port, {
        method: "OPTIONS",
        path: "/status",
        headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "GET" },
      });
      assert.notEqual(preflight.status, 204);
      assert.equal(preflight.headers["access-control-allow-origin"], undefined);
      assert.equal(preflight.headers["access-control-allow-methods"], undefined);
    } finally {
      await d.stop();
    }
  });

  it("CORS with --cors-origin allows exactly the named origins", async () => {
    const allowed = "http://admin.example:8080";
    const d = await startDaemon({ args: ["--cors-origin", allowed, "--cors-origin", "https://other.example"] });
    try {
      for (const origin of [allowed, "https://other.example"]) {
        const res = await httpRequest(d.port, { path: "/peers", headers: { Origin: origin } });
        assert.equal(res.status, 200);
        assert.equal(res.headers["access-control-allow-origin"], origin);
        assert.match(String(res.headers.vary), /Origin/);
      }
      // Errors carry the header too, or the page could not read them.
      const err = await httpRequest(d.port, { path: "/nope", headers: { Origin: allowed } });
      assert.equal(err.status, 404);
      assert.equal(err.headers["access-control-allow-origin"], allowed);

      const preflight = await httpRequest(d.port, {
        method: "OPTIONS",
        path: "/peers/self",
        headers: { Origin: allowed, "Access-Control-Request-Method": "PATCH" },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.body, "");
      assert.equal(preflight.headers["access-control-allow-origin"], allowed);
      assert.match(String(preflight.headers["access-control-allow-methods"]), /PATCH/);

      for (const origin of ["http://evil.example", "http://admin.example", "http://admin.example:8080.evil"]) {
        const res = await httpRequest(d.port, { path: "/peers", headers: { Origin: origin } });
        assert.equal(res.headers["access-control-allow-origin"], undefined, origin);
        const pf = await httpRequest(d.port, {
          method: "OPTIONS",
          path: "/peers",
          headers: { Origin: origin, "Access-Control-Request-Method": "GET" },
        });
        assert.notEqual(pf.status, 204, origin);
        assert.equal(pf.headers["access-control-allow-origin"], undefined, origin);
      }
    } finally {
      await d.stop();
    }
  });

  it("CORS '*' allows any origin (config file list)", async () => {
    const d = await startDaemon({ config: 'cors_allowed_origins: ["*"]\n' });
    try {
      const res = await httpRequest(d.port, { path: "/status", headers: { Origin: "http://anything.example" } });
      assert.equal(res.headers["access-control-allow-origin"], "http://anything.example");
    } finally {
      await d.stop();
    }
  });

  it("a client that sends half a header is disconnected after header_timeout_ms", async () => {
    const d = await startDaemon({ config: "header_timeout_ms: 500\n" });
    try {
      const half = await rawExchange(d.port, ["GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow:"], { timeoutMs: 5000 });
      assert.ok(half.closed, "disconnected");
      assert.ok(half.elapsedMs >= 400, `only after the timeout (${half.elapsedMs} ms)`);
      assert.ok(!half.data.includes(" 200 "), "no answer to a request never finished");

      // A slow but timely client is served.
      const slow = await rawExchange(
        d.port,
        ["GET /status HTTP/1.1\r\n", "Host: 127.0.0.1\r\n", "Connection: close\r\n\r\n"],
        { gapMs: 100, timeoutMs: 5000 },
      );
      assert.equal(parseRawResponse(slow.data).status, 200);
      assert.equal((await d.client.GET("/status")).response.status, 200);
    } finally {
      await d.stop();
    }
  });

  it("an idle keep-alive connection is closed after idle_timeout_ms", async () => {
    const d = await startDaemon({ config: "idle_timeout_ms: 400\n" });
    try {
      const conn = await Conn.open(d.port);
      assert.equal((await conn.get("/status")).status, 200);
      await sleep(150);
      assert.equal((await conn.get("/peers")).status, 200, "still open while used");
      const t0 = Date.now();
      while (!conn.closed && Date.now() - t0 < 5000) await sleep(20);
      assert.ok(conn.closed, "closed by the daemon");
      assert.ok(Date.now() - t0 >= 300, `only after the idle timeout (${Date.now() - t0} ms)`);
    } finally {
      await d.stop();
    }
  });

  it("max_connections: 2: a third connection takes the slot of the longest idle one; with both answering, it is 503", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const d = await startDaemon({ config: `max_connections: 2\nmock_fixture: ${slowFixture(dir.path)}\n` });
    const open: Conn[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const c = await Conn.open(d.port);
        open.push(c);
        assert.equal((await c.get("/status")).status, 200);
      }
      // Both wait idle: the newcomer is served, the one idle longest closed.
      const third = await rawExchange(d.port, ["GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"]);
      assert.equal(parseRawResponse(third.data).status, 200);
      for (let i = 0; i < 100 && !open[0]!.closed; i++) await sleep(10);
      assert.ok(open[0]!.closed, "the connection idle the longest was closed for it");
      assert.equal((await open[1]!.get("/peers")).status, 200, "the other one still works");
      await d.waitForLog(/connection limits reached \(2 in all, 64 per client\)/);
      for (const c of open) c.close();
      open.length = 0;

      // Two slots answering slow requests: nothing can be reclaimed.
      for (let i = 0; i < 2; i++) {
        const c = await Conn.open(d.port);
        open.push(c);
        c.send(slowPost(`busy ${i}`));
      }
      await sleep(200);
      const refused = await rawExchange(d.port, ["GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"]);
      assert.ok(refused.closed);
      const res = parseRawResponse(refused.data);
      assert.equal(res.status, 503);
      assertProblem(res.headers.get("content-type"), JSON.parse(res.body), { status: 503, type: "too-many-connections" });
    } finally {
      for (const c of open) c.close();
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });

  it("TLS with a self-signed certificate", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const { cert, key, ca } = selfSignedCert(dir.path);

    const d = await startDaemon({ args: ["--tls-cert", cert, "--tls-key", key], config: "header_timeout_ms: 500\n" });
    try {
      assert.ok(d.baseUrl.startsWith("https://"), d.baseUrl);
      const get = (path: string, options: https.RequestOptions = {}) =>
        new Promise<{ status: number; type: string | undefined; body: string; protocol: string | null }>((resolve, reject) => {
          const req = https.get({ host: "127.0.0.1", port: d.port, path, ca, agent: false, ...options }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString("utf8")));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                type: res.headers["content-type"],
                body,
                protocol: (res.socket as import("node:tls").TLSSocket).getProtocol?.() ?? null,
              }),
            );
          });
          req.on("error", reject);
        });

      const res = await get("/status");
      assert.equal(res.status, 200);
      assert.match(String(res.protocol), /^TLSv1\.[23]$/);
      const status = JSON.parse(res.body) as components["schemas"]["Status"];
      assert.match(status.peer_uid, uidPattern);
      assert.equal(status.driver, "mock");
      const missing = await get("/nope");
      assert.equal(missing.status, 404);
      assert.equal(missing.type, "application/problem+json");

      // Without trusting the certificate, the client refuses it.
      await assert.rejects(get("/status", { ca: undefined }), /self[- ]signed|unable to verify|certificate/i);
      // Plain HTTP on the TLS port gets no HTTP answer.
      const plain = await rawExchange(d.port, ["GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"], { timeoutMs: 3000 });
      assert.ok(!plain.data.startsWith("HTTP/1.1 200"));
      // A client that never completes the handshake is disconnected after the header timeout.
      const silent = await rawExchange(d.port, [], { timeoutMs: 5000 });
      assert.ok(silent.closed, "a silent TLS client is disconnected");
      // So is one that sends half a header over TLS.
      const half = await new Promise<{ closed: boolean; data: string }>((resolve, reject) => {
        const s = tls.connect({ host: "127.0.0.1", port: d.port, ca, servername: "localhost" }, () => s.write("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
        let data = "";
        const timer = setTimeout(() => (s.destroy(), resolve({ closed: false, data })), 5000);
        s.on("data", (c: Buffer) => (data += c.toString("utf8")));
        s.on("close", () => (clearTimeout(timer), resolve({ closed: true, data })));
        s.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? undefined : reject(e)));
      });
      assert.ok(half.closed, "a TLS client with half a header is disconnected");
      assert.ok(!half.data.includes(" 200 "));
      // Still serving after all of these.
      assert.equal((await get("/peers")).status, 200);
    } finally {
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });

  it("TLS over max_connections: the extra client gets its 503 after the handshake", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const { cert, key, ca } = selfSignedCert(dir.path);
    const d = await startDaemon({ args: ["--tls-cert", cert, "--tls-key", key], config: `max_connections: 1\nmock_fixture: ${slowFixture(dir.path)}\n` });
    // One TLS exchange on its own connection: what came back, and whether the server closed it.
    const exchange = (request: string) =>
      new Promise<{ data: string; closed: boolean; socket: import("node:tls").TLSSocket }>((resolve, reject) => {
        const s = tls.connect({ host: "127.0.0.1", port: d.port, ca, servername: "localhost" }, () => s.write(request));
        let data = "";
        const timer = setTimeout(() => resolve({ data, closed: false, socket: s }), 5000);
        s.on("data", (c: Buffer) => {
          data += c.toString("utf8");
          if (data.includes("\r\n\r\n") && request.includes("keep-alive")) (clearTimeout(timer), resolve({ data, closed: false, socket: s }));
        });
        s.on("close", () => (clearTimeout(timer), resolve({ data, closed: true, socket: s })));
        s.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? undefined : reject(e)));
      });
    // The one slot answers a slow request: it cannot be reclaimed.
    const held = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ host: "127.0.0.1", port: d.port, ca, servername: "localhost" }, () => (s.write(slowPost("held")), resolve(s)));
      s.once("error", reject);
    });
    await sleep(200);
    try {
      const extra = await exchange("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assert.ok(extra.closed, "the extra connection is closed after its answer");
      const res = parseRawResponse(extra.data);
      assert.equal(res.status, 503, extra.data);
      assertProblem(res.headers.get("content-type"), JSON.parse(res.body), { status: 503, type: "too-many-connections" });
    } finally {
      held.destroy();
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });
});
