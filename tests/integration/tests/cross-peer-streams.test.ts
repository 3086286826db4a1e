// A stream between two peers' ports (docs/p2p.md §20), created with one POST
// on the sending peer A: B opens the receiving half and says where it
// listens, A sends there; one uid on both, the audio flows (RS8M + RTCP), a
// delete on either end removes both halves, and a refusal by either leaves
// nothing anywhere. Two mock daemons, real ZeroMQ + CURVE and real UDP on
// loopback.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { describe, it, type TestContext } from "node:test";

import { tempDir, type Daemon } from "../harness/daemon.js";
import { fleetOfTwo, peerOn, until } from "../harness/fleet.js";
import { assertFetchProblem } from "../harness/http.js";
import { runRocctl } from "../harness/rocctl.js";
import { portUri, postPortToPort, streamCount, streamOn, type Stream } from "../harness/streams.js";

/** A's microphone to B's speakers, once audio arrives on B. */
async function micToSpeakers(a: Daemon, b: Daemon): Promise<Stream> {
  const created = await postPortToPort(a, await portUri(a, "Mock microphone"), await portUri(b, "Mock speakers"));
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  const sent = created.data as Stream;
  await until("audio on B", () => streamOn(b, sent.stream_uid), (s) => (s?.metrics.packets_received ?? 0) > 50);
  return sent;
}

/** A and B, their states kept in the test's directories so that `startA` and `startB` start them again on them. */
async function restartableFleet(t: TestContext) {
  const aDir = tempDir();
  const bDir = tempDir();
  t.after(() => {
    aDir.remove();
    bDir.remove();
  });
  return fleetOfTwo([], bDir.path, {}, aDir.path);
}

describe("cross-peer streams", () => {
  it("one POST on A plays A's microphone into B's speakers; deleting either end removes both", async () => {
    const { a, b } = await fleetOfTwo();
    try {
      const mic = await portUri(a, "Mock microphone");
      const speakers = await portUri(b, "Mock speakers");
      const created = await postPortToPort(a, mic, speakers);
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      const sent = created.data as Stream;
      assert.equal(sent.direction, "send");
      assert.equal(sent.destination.port_uri, speakers);
      assert.match(sent.endpoints!.media_uri, /^rtp\+rs8m:\/\/127\.0\.0\.1:[1-9]\d*$/);
      assert.match(sent.endpoints!.repair_uri!, /^rs8m:\/\/127\.0\.0\.1:[1-9]\d*$/);
      assert.match(sent.endpoints!.control_uri!, /^rtcp:\/\/127\.0\.0\.1:[1-9]\d*$/);

      // B holds the receiving half, under the same uid, at those endpoints.
      const received = (await streamOn(b, sent.stream_uid))!;
      assert.equal(received.direction, "receive");
      assert.equal(received.source.port_uri, mic);
      assert.deepEqual(received.endpoints, sent.endpoints);
      const flowing = await until(
        "audio on B and RTCP reports back on A",
        async () => ({ rx: await streamOn(b, sent.stream_uid), tx: await streamOn(a, sent.stream_uid) }),
        (s) => s?.rx?.state === "active" && (s.rx.metrics.packets_received ?? 0) > 100 && s.tx?.metrics.rtt_ms !== undefined,
      );
      assert.ok(flowing.tx!.metrics.packets_sent > 100);

      // Each end shows both halves' figures, each with the peer it is from:
      // its own live, the other's as that peer published it.
      const aPeer = `/peers/${mic.split("/")[2]}`;
      const bPeer = `/peers/${speakers.split("/")[2]}`;
      const onA = await until("B's figures on A", () => streamOn(a, sent.stream_uid),
        (s) => (s?.ends?.receiver.metrics?.packets_received ?? 0) > 0);
      assert.equal(onA.ends!.sender.peer_uri, aPeer);
      assert.equal(onA.ends!.receiver.peer_uri, bPeer);
      assert.equal(onA.ends!.sender.synced_at, undefined, "A's own end is live");
      assert.equal(onA.ends!.receiver.state, "active");
      assert.equal(onA.ends!.receiver.stale, false);
      assert.ok(!Number.isNaN(Date.parse(onA.ends!.receiver.synced_at!)));
      const onB = await until("A's figures on B", () => streamOn(b, sent.stream_uid),
        (s) => (s?.ends?.sender.metrics?.packets_sent ?? 0) > 0 && s?.ends?.sender.metrics?.rtt_ms !== undefined);
      assert.equal(onB.ends!.sender.peer_uri, aPeer);
      assert.equal(onB.ends!.receiver.peer_uri, bPeer);
      assert.ok(onB.ends!.receiver.metrics!.packets_received > 0);

      // Deleting A's half removes B's.
      const deleted = await a.client.DELETE("/streams/{stream}", { params: { path: { stream: sent.stream_uid } } });
      assert.equal(deleted.response.status, 204);
      await until("B's half gone", () => streamOn(b, sent.stream_uid), (s) => s === undefined);

      // And the other way round.
      const again = await postPortToPort(a, mic, speakers);
      assert.equal(again.response.status, 201, JSON.stringify(again.error));
      const uid = (again.data as Stream).stream_uid;
      const deletedOnB = await b.client.DELETE("/streams/{stream}", { params: { path: { stream: uid } } });
      assert.equal(deletedOnB.response.status, 204);
      await until("A's half gone", () => streamOn(a, uid), (s) => s === undefined);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("one POST on B, the receiving peer, makes the same stream; A's refusal or absence leaves nothing", async () => {
    const { a, b } = await fleetOfTwo();
    try {
      const mic = await portUri(a, "Mock microphone");
      const speakers = await portUri(b, "Mock speakers");
      const created = await postPortToPort(b, mic, speakers);
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      const received = created.data as Stream;
      assert.equal(received.direction, "receive");
      assert.equal(received.source.port_uri, mic);
      assert.equal(created.response.headers.get("location"), `/streams/${received.stream_uid}`);
      // A holds the sending half under the same uid, to the endpoints B bound.
      const sent = (await streamOn(a, received.stream_uid))!;
      assert.equal(sent.direction, "send");
      assert.deepEqual(sent.endpoints, received.endpoints);
      await until("audio on B", () => streamOn(b, received.stream_uid), (s) => s?.state === "active" && s.metrics.packets_received > 50);

      // A's port unknown: A's 404, naming the source; nothing on either peer.
      const unknownPort = mic.replace(/ports\/.*$/, "ports/aaaaaa-bbbbbb-cccccc");
      const refused = await postPortToPort(b, unknownPort, speakers);
      await assertFetchProblem(refused.response, refused.error, { status: 404, type: "not-found", field: "source.port_uri" });
      assert.equal(await streamCount(a), 1);
      assert.equal(await streamCount(b), 1);

      // A offline: 503 naming A.
      const aUid = mic.split("/")[2]!;
      await a.stop();
      await until("A offline on B", async () => (await b.client.GET("/peers/{peer}", { params: { path: { peer: aUid } } })).data, (p) => p?.state === "offline");
      const offline = await postPortToPort(b, mic, speakers);
      await assertFetchProblem(offline.response, offline.error, { status: 503, type: "unavailable" });
      assert.match(JSON.stringify(offline.error), new RegExp(aUid));
      assert.equal(await streamCount(b), 1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("rocctl names the ends by peer and port: --from 'Mock microphone' --to PEER:'Mock speakers'", async () => {
    const { a, b, bUid } = await fleetOfTwo();
    try {
      // B renames itself: A learns the name from B's next hello (§6.1), and rocctl takes it.
      const renamed = await b.client.PATCH("/peers/{peer}", { params: { path: { peer: "self" } }, body: { display_name: "kitchen" } });
      assert.equal(renamed.response.status, 200);
      await until("B's new name on A", () => peerOn(a, bUid), (p) => (p as { display_name?: string } | undefined)?.display_name === "kitchen");
      const made = await runRocctl(["--url", a.baseUrl, "--json", "stream", "create", "--from", "Mock microphone", "--to", "kitchen:mock SPEAKERS"]);
      assert.equal(made.code, 0, made.stderr);
      const stream = JSON.parse(made.stdout) as Stream;
      assert.equal(stream.destination.port_uri, await portUri(b, "Mock speakers"));
      assert.equal(stream.source.port_uri, await portUri(a, "Mock microphone"));
      assert.ok(await streamOn(b, stream.stream_uid));
      const unknown = await runRocctl(["--url", a.baseUrl, "stream", "create", "--from", "Mock microphone", "--to", "nowhere:Speakers"]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no peer named 'nowhere'; peers: .*\(give the uid\)/);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("after kill -9 of the receiving peer, both halves are still there and the audio resumes", async (t) => {
    const fleet = await restartableFleet(t);
    const { a, bUid } = fleet;
    let b = fleet.b;
    try {
      const sent = await micToSpeakers(a, b);

      await b.kill9();
      // A's half says whom it waits for (its sender runs on meanwhile).
      const waiting = await until("A's half waiting for B", () => streamOn(a, sent.stream_uid), (s) => s?.state === "waiting_for_peer");
      assert.equal(waiting.peer_uri, `/peers/${bUid}`);
      b = await fleet.startB();
      await until("A's half active again", () => streamOn(a, sent.stream_uid), (s) => s?.state === "active");
      // B restored its half on the ports it had stored, so A's half needs no word.
      const restored = await until(
        "audio on B again",
        () => streamOn(b, sent.stream_uid),
        (s) => s?.state === "active" && (s.metrics.packets_received ?? 0) > 50,
      );
      assert.deepEqual(restored.endpoints, sent.endpoints);
      assert.equal(await streamCount(b), 1);
      assert.equal(await streamCount(a), 1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("after kill -9 of the sending peer, B's half waits for A, and A restored sends again", async (t) => {
    const fleet = await restartableFleet(t);
    let a = fleet.a;
    const { b } = fleet;
    try {
      const sent = await micToSpeakers(a, b);
      const aUid = sent.source.port_uri!.split("/")[2]!;
      await a.kill9();
      const waiting = await until("B's half waiting for A", () => streamOn(b, sent.stream_uid), (s) => s?.state === "waiting_for_peer");
      assert.equal(waiting.peer_uri, `/peers/${aUid}`);
      a = await fleet.startA();
      const before = (await streamOn(b, sent.stream_uid))!.metrics.packets_received;
      await until(
        "audio on B again and both halves active",
        async () => ({ rx: await streamOn(b, sent.stream_uid), tx: await streamOn(a, sent.stream_uid) }),
        (s) => s?.rx?.state === "active" && s.tx?.state === "active" && s.rx.metrics.packets_received > before + 50,
      );
      assert.deepEqual((await streamOn(a, sent.stream_uid))!.endpoints, sent.endpoints);
      assert.equal(await streamCount(a), 1);
      assert.equal(await streamCount(b), 1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("B's stored ports taken while it was down: A asks again, B binds new ones and A sends there", async (t) => {
    const fleet = await restartableFleet(t);
    const { a } = fleet;
    let b = fleet.b;
    const taker = dgram.createSocket("udp4");
    t.after(() => taker.close());
    try {
      const sent = await micToSpeakers(a, b);

      await b.kill9();
      const media = new URL(sent.endpoints!.media_uri.replace(/^[^:]+:/, "udp:"));
      await new Promise<void>((resolve) => taker.bind(Number(media.port), media.hostname, resolve));
      b = await fleet.startB();
      const rebound = await until(
        "B's half bound anew and A sending there",
        async () => ({ rx: await streamOn(b, sent.stream_uid), tx: await streamOn(a, sent.stream_uid) }),
        (s) => s?.rx?.state === "active" && s.tx?.endpoints?.media_uri === s.rx.endpoints?.media_uri,
      );
      assert.notEqual(rebound.rx!.endpoints!.media_uri, sent.endpoints!.media_uri);
      await b.waitForLog(/cannot bind|Address already in use/);
      await a.waitForLog(/the receiving peer listens on .* now/);
      assert.equal(await streamCount(b), 1);
      assert.equal(await streamCount(a), 1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("a DELETE on A while B is offline reaches B when B is back (a stop owed)", async (t) => {
    const fleet = await restartableFleet(t);
    const { a, bUid } = fleet;
    let b = fleet.b;
    try {
      const mic = await portUri(a, "Mock microphone");
      const speakers = await portUri(b, "Mock speakers");
      const created = await postPortToPort(a, mic, speakers);
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      const uid = (created.data as Stream).stream_uid;
      await b.stop();
      await until("B offline on A", async () => (await a.client.GET("/peers/{peer}", { params: { path: { peer: bUid } } })).data, (p) => p?.state === "offline");
      const deleted = await a.client.DELETE("/streams/{stream}", { params: { path: { stream: uid } } });
      assert.equal(deleted.response.status, 204, "A's half goes at once");
      assert.equal(await streamCount(a), 0);
      await a.waitForLog(/has not removed its half of stream/);

      b = await fleet.startB();
      await until("B's half removed once B is back", () => streamOn(b, uid), (s) => s === undefined);
      assert.equal(await streamCount(b), 0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("a PATCH on either end changes the settings of both; while the other end is offline it changes nothing", async (t) => {
    const fleet = await restartableFleet(t);
    const { a, bUid } = fleet;
    let b = fleet.b;
    try {
      const sent = await micToSpeakers(a, b);
      const patch = (d: Daemon, settings: Record<string, number>) =>
        d.client.PATCH("/streams/{stream}", { params: { path: { stream: sent.stream_uid } }, body: { settings } });

      // On A (the sender): the packet length is A's, the latency B's.
      const onA = await patch(a, { packet_length_ms: 5, target_latency_ms: 80 });
      assert.equal(onA.response.status, 200, JSON.stringify(onA.error));
      assert.deepEqual(onA.data!.settings, { packet_length_ms: 5 });
      assert.deepEqual((await streamOn(b, sent.stream_uid))!.settings, { target_latency_ms: 80 });
      // On B: the same, the other way round.
      const onB = await patch(b, { packet_length_ms: 2.5, target_latency_ms: 60 });
      assert.equal(onB.response.status, 200, JSON.stringify(onB.error));
      assert.deepEqual(onB.data!.settings, { target_latency_ms: 60 });
      assert.deepEqual((await streamOn(a, sent.stream_uid))!.settings, { packet_length_ms: 2.5 });
      await until("audio on B after both changes", () => streamOn(b, sent.stream_uid), (s) => s?.state === "active");

      // A value out of range: 400, on neither end a change.
      const bad = await patch(b, { packet_length_ms: 5, target_latency_ms: -1 });
      assert.equal(bad.response.status, 400);
      assert.deepEqual((await streamOn(a, sent.stream_uid))!.settings, { packet_length_ms: 2.5 });

      // B offline: 503 naming it, and A keeps its settings.
      await b.stop();
      await until("B offline on A", async () => (await a.client.GET("/peers/{peer}", { params: { path: { peer: bUid } } })).data, (p) => p?.state === "offline");
      const offline = await patch(a, { packet_length_ms: 5 });
      assert.equal(offline.response.status, 503, JSON.stringify(offline.error));
      assert.match(JSON.stringify(offline.error), new RegExp(bUid));
      assert.deepEqual((await streamOn(a, sent.stream_uid))!.settings, { packet_length_ms: 2.5 });
      b = await fleet.startB();
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("a refusal by B or by A leaves nothing on either peer", async () => {
    const { a, b, bUid } = await fleetOfTwo();
    try {
      const mic = await portUri(a, "Mock microphone");
      const speakers = await portUri(b, "Mock speakers");
      // An unknown port on B: B's 404, naming the destination.
      const unknown = `/peers/${bUid}/ports/aaaaaa-bbbbbb-cccccc`;
      const r1 = await postPortToPort(a, mic, unknown);
      await assertFetchProblem(r1.response, r1.error, { status: 404, type: "not-found", field: "destination.port_uri" });
      // B refuses to play into a microphone: its 400, relayed.
      const bMic = await portUri(b, "Mock microphone");
      const r2 = await postPortToPort(a, mic, bMic);
      await assertFetchProblem(r2.response, r2.error, { status: 400, type: "invalid-field", field: "destination.port_uri" });
      // A's own source is unknown: B's half was opened, then undone.
      const gone = `/peers/self/ports/dddddd-eeeeee-ffffff`;
      const r3 = await postPortToPort(a, gone, speakers);
      await assertFetchProblem(r3.response, r3.error, { status: 404, type: "not-found", field: "source.port_uri" });
      await until("nothing on B", () => streamCount(b), (n) => n === 0);
      assert.equal(await streamCount(a), 0);
      // A client may not write the endpoints itself.
      const r4 = await a.client.POST("/streams", {
        body: {
          source: { type: "port", port_uri: mic },
          destination: { type: "port", port_uri: speakers },
          endpoints: { media_uri: "rtp+rs8m://127.0.0.1:9" },
        } as never,
      });
      await assertFetchProblem(r4.response, r4.error, { status: 400, type: "invalid-field", field: "endpoints" });

      // B offline: 503 naming the peer, nothing on A.
      await b.stop();
      await until("B offline on A", async () => (await a.client.GET("/peers/{peer}", { params: { path: { peer: bUid } } })).data, (p) => p?.state === "offline");
      const r5 = await postPortToPort(a, mic, speakers);
      await assertFetchProblem(r5.response, r5.error, { status: 503, type: "unavailable" });
      assert.equal(await streamCount(a), 0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
