// Configured bounds: streams a daemon keeps, requests per second per client
// address. Reached, they answer 429 and change nothing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { startDaemon } from "../harness/daemon.js";
import { Conn, assertFetchProblem, assertProblem, sleep } from "../harness/http.js";
import { mic, speakers } from "../harness/mock_ports.js";
import { freeUdpPort } from "../harness/udp.js";

describe("limits", () => {
  it("max_streams: one stream more is 429 limit-reached; a deleted one frees its place", async () => {
    const d = await startDaemon({ config: "max_streams: 2\n" });
    try {
      const receive = async () =>
        d.client.POST("/streams", {
          body: { source: { type: "address", media_uri: `rtp://127.0.0.1:${await freeUdpPort()}` }, destination: { type: "port", port_uri: speakers } },
        });
      const made = [await receive(), await receive()];
      for (const m of made) assert.equal(m.response.status, 201);
      const third = await receive();
      await assertFetchProblem(third.response, third.error, { status: 429, type: "limit-reached", detail: /max_streams/ });
      assert.equal((await d.client.GET("/streams")).data!.length, 2, "nothing more was created");
      await d.client.DELETE("/streams/{stream}", { params: { path: { stream: made[0]!.data!.stream_uid } } });
      assert.equal((await receive()).response.status, 201);
    } finally {
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });

  it("max_sessions_per_stream: a receive stream plays that many senders at once", async () => {
    for (const [limit, expected] of [[1, 1], [4, 2]] as const) {
      const d = await startDaemon({ config: `max_sessions_per_stream: ${limit}\n` });
      try {
        const media = `rtp://127.0.0.1:${await freeUdpPort()}`;
        const rx = await d.client.POST("/streams", { body: { source: { type: "address", media_uri: media }, destination: { type: "port", port_uri: speakers } } });
        assert.equal(rx.response.status, 201);
        for (let i = 0; i < 2; i++) {
          const tx = await d.client.POST("/streams", { body: { source: { type: "port", port_uri: mic }, destination: { type: "address", media_uri: media } } });
          assert.equal(tx.response.status, 201, JSON.stringify(tx.error));
        }
        let sessions = -1;
        for (let i = 0; i < 100 && sessions !== expected; i++) {
          await sleep(50);
          sessions = (await d.client.GET("/streams/{stream}", { params: { path: { stream: rx.data!.stream_uid } } })).data!.metrics!.sessions ?? -1;
        }
        assert.equal(sessions, expected, `two senders, max_sessions_per_stream ${limit}`);
      } finally {
        assert.deepEqual(await d.stop(), { code: 0, signal: null });
      }
    }
  });

  it("max_requests_per_second: a client over its rate gets 429 with Retry-After; others and GET /status do not", async () => {
    const d = await startDaemon({ config: "max_requests_per_second: 5\n" });
    try {
      const fast = await Conn.open(d.port);
      const statuses: number[] = [];
      let throttled: Awaited<ReturnType<Conn["get"]>> | undefined;
      for (let i = 0; i < 30; i++) {
        const res = await fast.get("/peers");
        statuses.push(res.status);
        if (res.status === 429) throttled = res;
      }
      assert.ok(statuses.slice(0, 10).every((s) => s === 200), `the burst of twice the rate goes through: ${statuses}`);
      assert.ok(statuses.includes(429), `then 429: ${statuses}`);
      assert.equal(throttled!.headers.get("retry-after"), "1");
      assertProblem(throttled!.headers.get("content-type"), JSON.parse(throttled!.body), { status: 429, type: "too-many-requests" });
      assert.equal((await fast.get("/status")).status, 200, "GET /status is never throttled");
      assert.equal(fast.closed, false, "the connection stays open");

      const other = await Conn.open(d.port, "127.0.0.2");
      assert.equal((await other.get("/peers")).status, 200, "another client address has its own rate");
      other.close();

      await sleep(1200);
      assert.equal((await fast.get("/peers")).status, 200, "after Retry-After, served again");
      fast.close();
      await d.waitForLog(/answered 429/);
    } finally {
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
    }
  });
});
