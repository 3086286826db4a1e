// GET /events: Server-Sent Events of every change (snapshot, live, replay).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { startDaemon, tempDir } from "../harness/daemon.js";
import { assertProblem, sleep } from "../harness/http.js";
import { EventClient } from "../harness/sse.js";

const self = { params: { path: { peer: "self" } } } as const;

describe("events", () => {
  it("snapshot, then live peer_updated events carrying the resource as GET returns it", async () => {
    const d = await startDaemon();
    const events = await EventClient.open(d, "?snapshot=true");
    try {
      assert.equal(events.status, 200);
      assert.match(events.contentType, /^text\/event-stream/);
      const end = await events.waitFor((m) => m.event === "snapshot_end");
      const snapshots = events.messages.filter((m) => m.event === "snapshot").map((m) => JSON.parse(m.data));
      const peer = (await d.client.GET("/peers/{peer}", self)).data!;
      assert.ok(
        snapshots.some((s) => s.kind === "peer" && s.uri === peer.peer_uri && s.resource?.peer_uid === peer.peer_uid),
        JSON.stringify(snapshots),
      );
      const lastId = Number(JSON.parse(end.data).last_event_id);
      assert.ok(Number.isInteger(lastId) && lastId >= 0);

      const patched = await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: "evented" } });
      assert.equal(patched.response.status, 200);
      const live = await events.waitFor((m) => m.event === "peer_updated");
      assert.ok(Number(live.id) > lastId, `id ${live.id} follows ${lastId}`);
      assert.deepEqual(JSON.parse(live.data), patched.data);
    } finally {
      events.close();
      await d.stop();
    }
  });

  it("ids increase across restarts and Last-Event-ID replays what was missed", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    let d = await startDaemon({ stateDir: state.path });
    const first = await EventClient.open(d);
    await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: "one" } });
    const one = await first.waitFor((m) => m.event === "peer_updated");
    first.close();
    await d.stop();

    d = await startDaemon({ stateDir: state.path });
    try {
      const watcher = await EventClient.open(d);
      await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: "two" } });
      await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: "three" } });
      const two = await watcher.waitFor((m) => m.event === "peer_updated" && JSON.parse(m.data).display_name === "two");
      await watcher.waitFor((m) => m.event === "peer_updated" && JSON.parse(m.data).display_name === "three");
      watcher.close();
      assert.ok(Number(two.id) > Number(one.id), `ids increase across a restart: ${one.id} then ${two.id}`);

      // A client that saw "two" gets "three" again, and nothing before.
      for (const replay of [
        await EventClient.open(d, "", { "Last-Event-ID": two.id! }),
        await EventClient.open(d, `?last_event_id=${two.id}`),
      ]) {
        const got = await replay.waitFor((m) => m.event === "peer_updated");
        assert.equal(JSON.parse(got.data).display_name, "three");
        replay.close();
      }
    } finally {
      await d.stop();
    }
  });

  it("bad parameters are 400 problems naming them", async () => {
    const d = await startDaemon();
    try {
      for (const [query, field] of [
        ["type=bogus", "type"],
        ["snapshot=maybe", "snapshot"],
        ["last_event_id=-1", "last_event_id"],
        ["uri=streams", "uri"],
        ["colour=red", "colour"],
      ] as const) {
        const res = await fetch(`${d.baseUrl}/events?${query}`);
        assert.equal(res.status, 400, query);
        assertProblem(res.headers.get("content-type"), await res.json(), { status: 400, type: "invalid-field", field });
      }
    } finally {
      await d.stop();
    }
  });

  it("heartbeats as comments (event_heartbeat_ms)", async () => {
    const d = await startDaemon({ config: "event_heartbeat_ms: 100\n" });
    const events = await EventClient.open(d);
    try {
      for (let i = 0; i < 300 && events.comments.length < 2; i++) await sleep(10);
      assert.ok(events.comments.length >= 2, `heartbeats: ${JSON.stringify(events.comments)}`);
    } finally {
      events.close();
      await d.stop();
    }
  });

  it("SIGTERM ends open event streams and exits 0 within 2 s", async () => {
    const d = await startDaemon();
    const events = [await EventClient.open(d), await EventClient.open(d, "?snapshot=true")];
    await events[1]!.waitFor((m) => m.event === "snapshot_end");
    const t0 = Date.now();
    d.signal("SIGTERM");
    const exit = await d.exited;
    const elapsedMs = Date.now() - t0;
    await d.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, d.logs());
    assert.ok(elapsedMs < 2000, `exited after ${elapsedMs} ms`);
    for (let i = 0; i < 100 && !events.every((e) => e.ended); i++) await sleep(10);
    assert.ok(events.every((e) => e.ended), "the streams ended");
    for (const e of events) e.close();
  });
});
