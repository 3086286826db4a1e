// Connection slots under attack: clients that trickle or send nothing, and
// idle event streams, cannot lock others out of the API; refusals are logged
// sparingly.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { startDaemon, tempDir } from "../harness/daemon.js";
import { Conn, assertProblem, parseRawResponse, rawExchange, sleep } from "../harness/http.js";

const getStatus = "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

async function closedWithin(c: Conn, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms && !c.closed; waited += 20) await sleep(20);
  return c.closed;
}

describe("connection slots", () => {
  it("trickling clients on five addresses cannot keep a local client from GET /status", async () => {
    const d = await startDaemon({ config: "max_connections: 16\nmax_connections_per_client: 8\n" });
    const attackers: Conn[] = [];
    try {
      // 40 connections for 16 slots, each with one byte of a request header.
      for (const address of ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]) {
        for (let i = 0; i < 8; i++) {
          const c = await Conn.open(d.port, address);
          c.send("G");
          attackers.push(c);
        }
      }
      for (let i = 0; i < 5; i++) {
        const { response } = await d.clientWith({ Connection: "close" }).GET("/status");
        assert.equal(response.status, 200, `GET /status #${i} got through`);
      }
      const elsewhere = await Conn.open(d.port, "127.0.0.9");
      assert.equal((await elsewhere.get("/status")).status, 200, "and so does a client on another address");
      elsewhere.close();
      assert.ok(attackers.filter((c) => c.closed).length >= 24, "the trickling ones gave their slots up");
    } finally {
      for (const c of attackers) c.close();
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });

  it("a connection that sends nothing is closed after the header timeout, not the idle one", async () => {
    const d = await startDaemon({ config: "header_timeout_ms: 300\nidle_timeout_ms: 60000\n" });
    try {
      const silent = await Conn.open(d.port);
      assert.ok(await closedWithin(silent, 5000), "closed long before the 60 s idle timeout");
      // A connection that was answered waits for its next request as long as the idle timeout.
      const served = await Conn.open(d.port);
      assert.equal((await served.get("/status")).status, 200);
      await sleep(1000);
      assert.equal(served.closed, false, "an answered connection may stay idle");
      served.close();
    } finally {
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });

  it("event streams hold no request slot and have their own bound", async () => {
    const d = await startDaemon({ config: "max_connections: 4\nmax_event_clients: 3\n" });
    const streams: Conn[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const c = await Conn.open(d.port);
        c.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        streams.push(c);
      }
      for (const c of streams) {
        for (let i = 0; i < 100 && !c.received().startsWith("HTTP/1.1 200"); i++) await sleep(10);
        assert.match(c.received(), /^HTTP\/1\.1 200/);
      }
      const fourth = await rawExchange(d.port, ["GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"]);
      const refused = parseRawResponse(fourth.data);
      assert.equal(refused.status, 503);
      assertProblem(refused.headers.get("content-type"), JSON.parse(refused.body), { status: 503, type: "too-many-event-clients" });
      // Four request slots, three streams: requests still get all four.
      const held: Conn[] = [];
      for (let i = 0; i < 4; i++) {
        const c = await Conn.open(d.port);
        assert.equal((await c.get("/status")).status, 200, `request connection #${i}`);
        held.push(c);
      }
      for (const c of held) c.close();
      streams.pop()!.close();
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await sleep(20);
        const again = await Conn.open(d.port);
        again.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        await sleep(50);
        status = again.received().startsWith("HTTP/1.1 200") ? 200 : 0;
        streams.push(again);
      }
      assert.equal(status, 200, "a stream that ends frees its place");
    } finally {
      for (const c of streams) c.close();
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });

  it("refused connections are logged as a count, not one line each", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const fixture = join(dir.path, "slow-mock.json");
    writeFileSync(fixture, JSON.stringify({ create_delay_ms: 1500, devices: [] }));
    const d = await startDaemon({ config: `max_connections: 1\nmock_fixture: ${fixture}\n` });
    try {
      const busy = await Conn.open(d.port);
      const body = JSON.stringify({ direction: "output", display_name: "busy" });
      busy.send(`POST /peers/self/ports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await sleep(200);
      for (let i = 0; i < 50; i++) {
        const refused = await rawExchange(d.port, [getStatus]);
        assert.equal(parseRawResponse(refused.data).status, 503);
      }
      busy.close();
      const lines = d.logs().split("\n").filter((line) => /connection limits reached/.test(line));
      assert.ok(lines.length >= 1 && lines.length <= 2, `logged ${lines.length} time(s) for 50 refusals`);
    } finally {
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });
});
