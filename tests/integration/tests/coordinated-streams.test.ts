// A stream between two peers' ports created through a third peer C
// (docs/p2p.md §20.2): C asks the sender A, A asks the receiver B; the
// stream has one uid on A, B and C, C shows both ends' state and figures,
// a PATCH or DELETE on C reaches both ends (also one that is offline, when
// it is back), and a refusal anywhere leaves nothing on any peer. Three mock
// daemons, real ZeroMQ + CURVE and real UDP on loopback.
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";

import { tempDir, type Daemon } from "../harness/daemon.js";
import { fleetOfThree, peerOn, until } from "../harness/fleet.js";
import { assertFetchProblem } from "../harness/http.js";
import { EventClient } from "../harness/sse.js";
import { portUri, postPortToPort, streamCount, streamOn, type Stream } from "../harness/streams.js";

/** Three daemons whose states are kept, so that each can be started again. */
async function restartableFleet(t: TestContext) {
  const dirs = { a: tempDir(), b: tempDir(), c: tempDir() };
  t.after(() => Object.values(dirs).forEach((d) => d.remove()));
  return fleetOfThree({ a: dirs.a.path, b: dirs.b.path, c: dirs.c.path });
}

/** POST on `c`: A's microphone to B's speakers; the stream's uid. */
async function micToSpeakersThrough(c: Daemon, a: Daemon, b: Daemon): Promise<string> {
  const created = await postPortToPort(c, await portUri(a, "Mock microphone"), await portUri(b, "Mock speakers"));
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  return (created.data as Stream).stream_uid;
}

async function stopAll(...daemons: Daemon[]) {
  for (const d of daemons) await d.stop();
}

describe("streams coordinated by a third peer", () => {
  it("a POST on C connects A's microphone to B's speakers: one uid on A, B and C, both ends' figures on C", async (t) => {
    const { a, b, c, uids } = await restartableFleet(t);
    const events = await EventClient.subscribed(c);
    t.after(() => events.close());
    try {
      const mic = await portUri(a, "Mock microphone");
      const speakers = await portUri(b, "Mock speakers");
      const created = await postPortToPort(c, mic, speakers);
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      const made = created.data as Stream;
      assert.equal(made.direction, "coordinated");
      assert.equal(made.source.port_uri, mic);
      assert.equal(made.destination.port_uri, speakers);
      assert.equal(created.response.headers.get("location"), `/streams/${made.stream_uid}`);
      await events.waitForData("stream_added", (d) => d.stream_uid === made.stream_uid);

      // One uid on every peer involved, each holding its own part.
      assert.equal((await streamOn(a, made.stream_uid))?.direction, "send");
      assert.equal((await streamOn(b, made.stream_uid))?.direction, "receive");
      const listed = (await c.client.GET("/streams")).data as Stream[];
      assert.deepEqual(listed.map((s) => s.stream_uid), [made.stream_uid]);

      // C shows the state of the whole stream and each end's figures, with the peer they are from.
      const shown = await until(
        "audio on B, as C sees it",
        () => streamOn(c, made.stream_uid),
        (s) => s?.state === "active" && (s.ends?.receiver.metrics?.packets_received ?? 0) > 50 && (s.ends?.sender.metrics?.packets_sent ?? 0) > 50,
      );
      assert.equal(shown.ends!.sender.peer_uri, `/peers/${uids.a}`);
      assert.equal(shown.ends!.receiver.peer_uri, `/peers/${uids.b}`);
      assert.equal(shown.ends!.sender.state, "active");
      assert.equal(shown.ends!.receiver.stale, false);
      await events.waitForData("stream_state_changed", (d) => d.stream_uid === made.stream_uid && d.state === "active");

      // A PATCH on C reaches both ends: the packet length is the sender's, the latency the receiver's.
      const patched = await c.client.PATCH("/streams/{stream}", {
        params: { path: { stream: made.stream_uid } },
        body: { settings: { packet_length_ms: 5, target_latency_ms: 120 } },
      });
      assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
      await until("the sender's part on A", () => streamOn(a, made.stream_uid), (s) => s?.settings?.packet_length_ms === 5);
      await until("the receiver's part on B", () => streamOn(b, made.stream_uid), (s) => s?.settings?.target_latency_ms === 120);
      const refused = await c.client.PATCH("/streams/{stream}", {
        params: { path: { stream: made.stream_uid } },
        body: { settings: { packet_length_ms: -1 } },
      });
      await assertFetchProblem(refused.response, refused.error, { status: 400, type: "invalid-field", field: "settings.packet_length_ms" });

      // A DELETE on C removes both ends.
      const deleted = await c.client.DELETE("/streams/{stream}", { params: { path: { stream: made.stream_uid } } });
      assert.equal(deleted.response.status, 204);
      assert.equal(await streamCount(c), 0);
      await events.waitForData("stream_removed", (d) => d.stream_uid === made.stream_uid);
      await until("gone on A and B", async () => (await streamCount(a)) + (await streamCount(b)), (n) => n === 0);
    } finally {
      await stopAll(a, b, c);
    }
  });

  it("kill -9 of B: C and A show waiting_for_peer naming B; B back, the stream is active with no one acting", async (t) => {
    const fleet = await restartableFleet(t);
    const { a, c, uids } = fleet;
    let b = fleet.b;
    try {
      const uid = await micToSpeakersThrough(c, a, b);
      await until("active on C", () => streamOn(c, uid), (s) => s?.state === "active");

      await b.kill9();
      const waiting = await until("C waits for B", () => streamOn(c, uid), (s) => s?.state === "waiting_for_peer");
      assert.equal(waiting.peer_uri, `/peers/${uids.b}`);
      assert.equal(waiting.ends!.receiver.stale, true);
      await until("A waits for B", () => streamOn(a, uid), (s) => s?.state === "waiting_for_peer" && s.peer_uri === `/peers/${uids.b}`);

      b = await fleet.start.b();
      await until(
        "active again on C, with B's figures moving",
        () => streamOn(c, uid),
        (s) => s?.state === "active" && s.ends?.receiver.stale === false && (s.ends?.receiver.metrics?.packets_received ?? 0) > 50,
      );
      assert.equal(await streamCount(b), 1, "B restored its half, no duplicate");
      assert.equal(await streamCount(a), 1);
    } finally {
      await stopAll(a, b, c);
    }
  });

  it("a DELETE on C while B is offline: gone on A and C at once, on B as soon as it is back", async (t) => {
    const fleet = await restartableFleet(t);
    const { a, c, uids } = fleet;
    let b = fleet.b;
    try {
      const uid = await micToSpeakersThrough(c, a, b);
      await b.stop();
      await until("B offline on C", () => peerOn(c, uids.b), (p) => p?.state === "offline");
      const deleted = await c.client.DELETE("/streams/{stream}", { params: { path: { stream: uid } } });
      assert.equal(deleted.response.status, 204);
      assert.equal(await streamCount(c), 0);
      await until("gone on A", () => streamCount(a), (n) => n === 0);
      // A PATCH or GET of it on C now: it is not there.
      const after = await c.client.GET("/streams/{stream}", { params: { path: { stream: uid } } });
      assert.equal(after.response.status, 404);

      b = await fleet.start.b();
      await until("gone on B once it is back", () => streamCount(b), (n) => n === 0);
    } finally {
      await stopAll(a, b, c);
    }
  });

  it("each refusal leaves nothing on any peer: unknown ports, the wrong direction, an offline peer", async (t) => {
    const { a, b, c, uids } = await restartableFleet(t);
    try {
      const mic = await portUri(a, "Mock microphone");
      const speakers = await portUri(b, "Mock speakers");
      const nothingAnywhere = async () => {
        assert.equal(await streamCount(a), 0);
        assert.equal(await streamCount(b), 0);
        assert.equal(await streamCount(c), 0);
      };
      // An unknown port on B: B's 404 naming the destination, relayed by A and C.
      const r1 = await postPortToPort(c, mic, `/peers/${uids.b}/ports/aaaaaa-bbbbbb-cccccc`);
      await assertFetchProblem(r1.response, r1.error, { status: 404, type: "not-found", field: "destination.port_uri" });
      await nothingAnywhere();
      // An unknown source on A: A's 404; the half B opened on the way is undone.
      const r2 = await postPortToPort(c, `/peers/${uids.a}/ports/dddddd-eeeeee-ffffff`, speakers);
      await assertFetchProblem(r2.response, r2.error, { status: 404, type: "not-found", field: "source.port_uri" });
      await until("nothing on B", () => streamCount(b), (n) => n === 0);
      await nothingAnywhere();
      // B's microphone as the destination: B refuses (400), relayed.
      const r3 = await postPortToPort(c, mic, await portUri(b, "Mock microphone"));
      await assertFetchProblem(r3.response, r3.error, { status: 400, type: "invalid-field", field: "destination.port_uri" });
      await nothingAnywhere();

      // B offline: A cannot reach it; 503 naming B.
      await b.stop();
      await until("B offline on A", () => peerOn(a, uids.b), (p) => p?.state === "offline");
      const r4 = await postPortToPort(c, mic, speakers);
      await assertFetchProblem(r4.response, r4.error, { status: 503, type: "unavailable" });
      assert.match(JSON.stringify(r4.error), new RegExp(uids.b));
      assert.equal(await streamCount(a), 0);
      assert.equal(await streamCount(c), 0);
      // A offline: 503 naming A.
      await a.stop();
      await until("A offline on C", () => peerOn(c, uids.a), (p) => p?.state === "offline");
      const r5 = await postPortToPort(c, mic, speakers);
      await assertFetchProblem(r5.response, r5.error, { status: 503, type: "unavailable" });
      assert.match(JSON.stringify(r5.error), new RegExp(uids.a));
      assert.equal(await streamCount(c), 0);
    } finally {
      await stopAll(a, b, c);
    }
  });

  it("one microphone into two rooms, and two microphones into one room, at once", async (t) => {
    const { a, b, c } = await restartableFleet(t);
    try {
      const aMic = await portUri(a, "Mock microphone");
      const cMic = await portUri(c, "Mock microphone");
      const bSpeakers = await portUri(b, "Mock speakers");
      const cSpeakers = await portUri(c, "Mock speakers");
      const made: string[] = [];
      for (const [on, source, destination] of [
        [a, aMic, bSpeakers],
        [a, aMic, cSpeakers],
        [b, cMic, bSpeakers],
      ] as const) {
        const created = await postPortToPort(on, source, destination);
        assert.equal(created.response.status, 201, JSON.stringify(created.error));
        made.push((created.data as Stream).stream_uid);
      }
      const [aToB, aToC, cToB] = made as [string, string, string];
      // A's microphone feeds both rooms; B's speakers play both microphones (its receivers mix them).
      for (const [d, uid] of [
        [b, aToB],
        [c, aToC],
        [b, cToB],
      ] as const) {
        await until(`audio of ${uid}`, () => streamOn(d, uid), (s) => s?.state === "active" && s.metrics.packets_received > 50);
      }
      assert.equal(await streamCount(a), 2);
      assert.equal(await streamCount(b), 2);
      assert.equal(await streamCount(c), 2);
      // One room going leaves the others playing.
      const deleted = await a.client.DELETE("/streams/{stream}", { params: { path: { stream: aToC } } });
      assert.equal(deleted.response.status, 204);
      await until("A to C gone on C", () => streamCount(c), (n) => n === 1);
      const before = (await streamOn(b, aToB))!.metrics.packets_received;
      await until("A to B still playing", () => streamOn(b, aToB), (s) => s?.state === "active" && s.metrics.packets_received > before + 50);
    } finally {
      await stopAll(a, b, c);
    }
  });
});
