// GET /events against real changes of ports, peers and streams: every event
// type in order with the resource's JSON, type and uri filters (exact and
// "or below"), snapshots and replays under filters.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import type { components } from "../generated/api.js";
import { startDaemon, type Daemon } from "../harness/daemon.js";
import { EventClient, type Message } from "../harness/sse.js";
import { freeUdpPort } from "../harness/udp.js";

type Port = components["schemas"]["Port"];
type Stream = components["schemas"]["Stream"];

const self = { params: { path: { peer: "self" } } } as const;
const onePort = (port: string) => ({ params: { path: { peer: "self", port } } }) as const;
const oneStream = (stream: string) => ({ params: { path: { stream } } }) as const;

const data = (m: Message) => JSON.parse(m.data) as Record<string, unknown>;
/** The resource URI an event is about (every resource carries its own). */
const uriOf = (m: Message) => {
  const d = data(m);
  return String(d.peer_uri ?? d.port_uri ?? d.stream_uri);
};
const id = (m: Message) => Number(m.id);
const below = (uri: string, scope: string) => uri === scope || uri.startsWith(scope + "/");

function assertIncreasingIds(messages: Message[], what: string) {
  for (let i = 1; i < messages.length; i++) {
    assert.ok(id(messages[i]!) > id(messages[i - 1]!), `${what}: ids increase: ${messages[i - 1]!.id} then ${messages[i]!.id}`);
  }
}

describe("events: filters, order, snapshot and replay", () => {
  let d: Daemon;
  let all: EventClient; // no filter, subscribed before anything changes
  let peerUid = "";
  let mic = "";
  let speakers = "";
  let marks = 0;

  /** A peer_updated that every test can wait for: its id bounds what came before. */
  async function mark(): Promise<number> {
    const name = `mark ${++marks}`;
    const r = await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: name } });
    assert.equal(r.response.status, 200);
    return id(await all.waitFor((m) => m.event === "peer_updated" && data(m).display_name === name));
  }

  /** What `client` got up to `last` equals what `all` got that `pred` accepts. */
  async function assertSubsequence(client: EventClient, what: string, last: number, pred: (m: Message) => boolean, after = 0) {
    const expected = all.messages.filter((m) => id(m) > after && id(m) <= last && pred(m));
    const upTo = (ms: Message[]) => ms.filter((m) => m.id !== undefined && id(m) > after && id(m) <= last);
    await client.waitUntil((ms) => upTo(ms).length >= expected.length, `${what}: ${expected.length} events`);
    assert.deepEqual(upTo(client.messages), expected, what);
    return expected;
  }

  before(async () => {
    d = await startDaemon();
    all = await EventClient.subscribed(d);
    peerUid = (await d.client.GET("/peers/{peer}", self)).data!.peer_uid;
    const ports = (await d.client.GET("/peers/{peer}/ports", self)).data!;
    mic = ports.find((p) => p.system_name === "mock_microphone")?.port_uri ?? "";
    speakers = ports.find((p) => p.system_name === "mock_speakers")?.port_uri ?? "";
    assert.ok(mic && speakers, JSON.stringify(ports));
  });
  after(async () => {
    all.close();
    const exit = await d.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
  });

  it("every change is one event, in order, carrying the resource; type and uri filters select from that sequence", async () => {
    const selfPorts = `/peers/${peerUid}/ports`;
    const filters: Array<[string, (m: Message) => boolean]> = [
      ["?type=stream_added,stream_removed", (m) => ["stream_added", "stream_removed"].includes(m.event)],
      ["?uri=/streams", (m) => below(uriOf(m), "/streams")],
      ["?uri=/peers/self/ports", (m) => below(uriOf(m), selfPorts)],
      [`?uri=${selfPorts}`, (m) => below(uriOf(m), selfPorts)],
      ["?uri=/peers/self", (m) => below(uriOf(m), `/peers/${peerUid}`)],
      [`?uri=${mic}`, (m) => uriOf(m) === mic],
      ["?type=port_updated,peer_updated&uri=/peers/self/ports", (m) => m.event === "port_updated" && below(uriOf(m), selfPorts)],
      [
        "?type=peer_updated,stream_state_changed&uri=/streams,/peers/self",
        (m) => ["peer_updated", "stream_state_changed"].includes(m.event),
      ],
    ];
    const clients = await Promise.all(filters.map(([query]) => EventClient.subscribed(d, query)));
    const start = all.messages.length === 0 ? 0 : id(all.messages.at(-1)!);
    try {
      const kitchen = await d.client.POST("/peers/{peer}/ports", {
        ...self,
        body: { port_type: "virtual_device", direction: "output", display_name: "Kitchen", channels: 2, rate: 48000 },
      });
      assert.equal(kitchen.response.status, 201);
      const hall = await d.client.POST("/peers/{peer}/ports", {
        ...self,
        body: { port_type: "virtual_device", direction: "output", display_name: "Hall", channels: 1, rate: 44100 },
      });
      assert.equal(hall.response.status, 201);
      const a = kitchen.data!;
      const b = hall.data!;
      assert.deepEqual((await d.client.GET("/peers/{peer}/ports/{port}", onePort(a.port_uid))).data, a);
      // Exactly one port, from after its creation on.
      const exact = await EventClient.subscribed(d, `?uri=${a.port_uri}`);
      clients.push(exact);

      const mutedA = (await d.client.PATCH("/peers/{peer}/ports/{port}", { ...onePort(a.port_uid), body: { mute: true } })).data!;
      const renamedB = (await d.client.PATCH("/peers/{peer}/ports/{port}", { ...onePort(b.port_uid), body: { display_name: "Hall 2" } })).data!;
      const micUid = mic.split("/").at(-1)!;
      const renamedMic = (await d.client.PATCH("/peers/{peer}/ports/{port}", { ...onePort(micUid), body: { display_name: "Desk mic" } })).data!;
      assert.equal(renamedMic.port_uri, mic);
      const peer = (await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: "filters" } })).data!;
      assert.deepEqual((await d.client.GET("/peers/{peer}", self)).data, peer);

      const media = `rtp://127.0.0.1:${await freeUdpPort()}`;
      const rx = (
        await d.client.POST("/streams", {
          body: { source: { type: "address", media_uri: media }, destination: { type: "port", port_uri: speakers } },
        })
      ).data!;
      const tx = (
        await d.client.POST("/streams", {
          body: { source: { type: "port", port_uri: mic }, destination: { type: "address", media_uri: media } },
        })
      ).data!;
      assert.ok(rx && tx);
      // Audio flows: both streams change state on their own.
      for (const s of [rx, tx]) {
        await all.waitFor((m) => m.event === "stream_state_changed" && data(m).stream_uid === s.stream_uid && data(m).state === "active", 10000);
      }
      const patchedRx = await d.client.PATCH("/streams/{stream}", { ...oneStream(rx.stream_uid), body: { settings: { target_latency_ms: 120 } } });
      assert.equal(patchedRx.response.status, 200);
      const beforeDelete = (await d.client.GET("/streams/{stream}", oneStream(tx.stream_uid))).data!;
      for (const s of [tx, rx]) {
        assert.equal((await d.client.DELETE("/streams/{stream}", oneStream(s.stream_uid))).response.status, 204);
      }
      assert.equal((await d.client.DELETE("/peers/{peer}/ports/{port}", onePort(a.port_uid))).response.status, 204);
      const last = await mark();

      const seen = all.messages.filter((m) => id(m) > start && id(m) <= last);
      assertIncreasingIds(all.messages, "all");
      assert.ok(seen.every((m) => m.id !== undefined), "every live event has an id");
      // Each change once, in the order made, with the JSON the API answered.
      const find = (event: string, pred: (d: Record<string, unknown>) => boolean) => {
        const found = seen.filter((m) => m.event === event && pred(data(m)));
        assert.equal(found.length, 1, `one ${event}: ${JSON.stringify(found)}`);
        return found[0]!;
      };
      const portOf = (p: Port) => (x: Record<string, unknown>) => x.port_uid === p.port_uid;
      const streamOf = (s: Stream) => (x: Record<string, unknown>) => x.stream_uid === s.stream_uid;
      const ordered: Array<[Message, unknown]> = [
        [find("port_added", portOf(a)), a],
        [find("port_added", portOf(b)), b],
        [find("port_updated", portOf(a)), mutedA],
        [find("port_updated", portOf(b)), renamedB],
        [find("port_updated", (x) => x.port_uri === mic), renamedMic],
        [find("peer_updated", (x) => x.display_name === "filters"), peer],
        [find("stream_added", streamOf(rx)), rx],
        [find("stream_added", streamOf(tx)), tx],
        [find("stream_updated", streamOf(rx)), patchedRx.data],
        [find("stream_removed", streamOf(tx)), undefined],
        [find("stream_removed", streamOf(rx)), undefined],
        [find("port_removed", portOf(a)), mutedA],
      ];
      for (let i = 0; i < ordered.length; i++) {
        const [m, resource] = ordered[i]!;
        if (i > 0) assert.ok(id(m) > id(ordered[i - 1]![0]), `${m.event} after ${ordered[i - 1]![0].event}`);
        if (resource !== undefined) assert.deepEqual(data(m), resource, m.event);
      }
      // A removed stream's last state: what GET said, but stopped.
      const removedTx = data(find("stream_removed", streamOf(tx)));
      for (const key of ["stream_uri", "source", "destination", "settings", "direction"] as const) {
        assert.deepEqual(removedTx[key], beforeDelete[key], `stream_removed ${key}`);
      }
      assert.deepEqual(data(find("stream_removed", streamOf(rx))).settings, patchedRx.data!.settings);
      // State changes: each one a real change of that stream's state, its URI its own.
      const states = new Map<string, string>();
      let stateChanges = 0;
      for (const m of seen.filter((x) => x.event === "stream_state_changed")) {
        const s = data(m);
        assert.equal(s.stream_uri, `/streams/${String(s.stream_uid)}`);
        const key = `${String(s.state)} ${String(s.error ?? "")}`;
        assert.notEqual(states.get(String(s.stream_uid)), key, `a change: ${m.data}`);
        states.set(String(s.stream_uid), key);
        stateChanges++;
      }
      assert.ok(stateChanges >= 2, "stream_state_changed seen");
      // The PATCH restarted rx: its new state came before the stream_updated.
      const restarted = seen.filter((m) => m.event === "stream_state_changed" && streamOf(rx)(data(m)) && data(m).state === "starting");
      const updated = find("stream_updated", streamOf(rx));
      assert.ok(restarted.some((m) => id(m) < id(updated)), "rx restarted by the PATCH");

      // Every filtered client got exactly its share of the same sequence.
      for (let i = 0; i < filters.length; i++) {
        const [query, pred] = filters[i]!;
        const got = await assertSubsequence(clients[i]!, query, last, pred, start);
        assert.ok(got.length > 0 && got.length < seen.length, `${query} selects some events: ${got.length} of ${seen.length}`);
      }
      const exactGot = await assertSubsequence(exact, `?uri=${a.port_uri}`, last, (m) => uriOf(m) === a.port_uri, id(find("port_added", portOf(a))));
      assert.deepEqual(
        exactGot.map((m) => m.event),
        ["port_updated", "port_removed"],
      );
      assert.deepEqual(
        clients[5]!.messages.map((m) => m.event),
        ["port_updated"],
        "the exact URI of a system port: its one change",
      );
      // "/peers/self" covers the peer and its ports.
      const selfGot = clients[4]!.messages.filter((m) => id(m) <= last).map((m) => m.event);
      assert.ok(selfGot.includes("peer_updated") && selfGot.includes("port_added"), selfGot.join());
    } finally {
      for (const c of clients) c.close();
    }
  });

  it("snapshot=true lists the resources the filters select, then snapshot_end, then matching live events", async () => {
    const media = `rtp://127.0.0.1:${await freeUdpPort()}`;
    const rx = (
      await d.client.POST("/streams", {
        body: { source: { type: "address", media_uri: media }, destination: { type: "port", port_uri: speakers } },
      })
    ).data!;
    const porch = (
      await d.client.POST("/peers/{peer}/ports", {
        ...self,
        body: { port_type: "virtual_device", direction: "input", display_name: "Porch", channels: 1, rate: 16000 },
      })
    ).data!;
    const ports = (await d.client.GET("/peers/{peer}/ports", self)).data!;
    const peer = (await d.client.GET("/peers/{peer}", self)).data!;
    const streams = (await d.client.GET("/streams")).data!;
    const byUri = (a: { uri: string }, b: { uri: string }) => a.uri.localeCompare(b.uri);
    const portSnaps = ports.map((p) => ({ kind: "port", uri: p.port_uri, resource: p })).sort(byUri);
    const peerSnap = { kind: "peer", uri: peer.peer_uri, resource: peer };

    // A type filter selects resource kinds too (port_added: ports).
    const cases: Array<[string, Array<{ kind: string; uri: string; resource?: unknown }>]> = [
      ["?snapshot=true&type=port_added", portSnaps],
      ["?snapshot=true&uri=/peers/self", [peerSnap, ...portSnaps].sort(byUri)],
      [`?snapshot=true&uri=${porch.port_uri}`, [{ kind: "port", uri: porch.port_uri, resource: ports.find((p) => p.port_uid === porch.port_uid) }]],
      ["?snapshot=true&uri=/streams", streams.map((s) => ({ kind: "stream", uri: s.stream_uri }))],
      [`?snapshot=true&type=peer_updated,stream_removed&uri=${rx.stream_uri}`, [{ kind: "stream", uri: rx.stream_uri }]],
      ["?snapshot=true&type=port_removed&uri=/streams", []],
    ];
    assert.ok(streams.length > 0 && portSnaps.length >= 3);
    const clients = await Promise.all(cases.map(([query]) => EventClient.subscribed(d, query)));
    try {
      const lastBefore = id(all.messages.at(-1)!);
      // Live: one event of each kind after the snapshots.
      const extra = (
        await d.client.POST("/peers/{peer}/ports", {
          ...self,
          body: { port_type: "virtual_device", direction: "output", display_name: "Attic", channels: 2, rate: 48000 },
        })
      ).data!;
      assert.equal((await d.client.DELETE("/streams/{stream}", oneStream(rx.stream_uid))).response.status, 204);
      const last = await mark();

      for (let i = 0; i < cases.length; i++) {
        const [query, expected] = cases[i]!;
        const c = clients[i]!;
        const end = await c.waitFor((m) => m.event === "snapshot_end");
        const endAt = c.messages.indexOf(end);
        const snaps = c.messages.slice(0, endAt);
        assert.ok(snaps.every((m) => m.event === "snapshot" && m.id === undefined), `${query}: only snapshots before snapshot_end`);
        const got = snaps.map((m) => data(m) as { kind: string; uri: string; resource?: Record<string, unknown> }).sort(byUri);
        assert.deepEqual(
          got.map(({ kind, uri }) => ({ kind, uri })),
          expected.map(({ kind, uri }) => ({ kind, uri })),
          query,
        );
        for (let j = 0; j < got.length; j++) {
          const want = expected[j]!.resource;
          if (want !== undefined) assert.deepEqual(got[j]!.resource, want, `${query}: ${got[j]!.uri} as GET returns it`);
          else if (got[j]!.kind === "stream") {
            const s = streams.find((x) => x.stream_uri === got[j]!.uri)!;
            for (const key of ["stream_uid", "source", "destination", "settings", "direction"] as const) {
              assert.deepEqual(got[j]!.resource![key], s[key], `${query}: snapshot ${key}`);
            }
          }
        }
        assert.ok(Number(data(end).last_event_id) >= lastBefore, `${query}: snapshot_end ${end.data} covers ${lastBefore}`);
        // After snapshot_end: the matching live events, nothing else.
        assert.ok(c.messages.every((m) => m.id === undefined || id(m) > Number(data(end).last_event_id)), `${query}: live after snapshot_end`);
        await assertSubsequence(c, query, last, (m) => matchesQuery(query, m, peerUid), Number(data(end).last_event_id));
        assert.ok(c.messages.slice(endAt + 1).every((m) => m.event !== "snapshot"), `${query}: no snapshot after snapshot_end`);
      }
      // The port that appeared live reached the port_added subscriber as a live event.
      assert.ok(clients[0]!.messages.some((m) => m.event === "port_added" && data(m).port_uid === extra.port_uid));
      assert.ok(clients[4]!.messages.some((m) => m.event === "stream_removed" && data(m).stream_uid === rx.stream_uid));
    } finally {
      for (const c of clients) c.close();
    }
  });

  it("Last-Event-ID and last_event_id replay under type and uri filters; replay, then snapshot, then live", async () => {
    // Some history of every kind (the earlier tests made more).
    const first = await mark();
    const cellar = (
      await d.client.POST("/peers/{peer}/ports", {
        ...self,
        body: { port_type: "virtual_device", direction: "output", display_name: "Cellar", channels: 2, rate: 48000 },
      })
    ).data!;
    await d.client.PATCH("/peers/{peer}/ports/{port}", { ...onePort(cellar.port_uid), body: { volume: 0.5 } });
    const media = `rtp://127.0.0.1:${await freeUdpPort()}`;
    const rx = (
      await d.client.POST("/streams", {
        body: { source: { type: "address", media_uri: media }, destination: { type: "port", port_uri: speakers } },
      })
    ).data!;
    await d.client.DELETE("/streams/{stream}", oneStream(rx.stream_uid));
    await d.client.DELETE("/peers/{peer}/ports/{port}", onePort(cellar.port_uid));
    const seenUpTo = await mark();

    const replays: Array<[EventClient, string, (m: Message) => boolean]> = [
      [
        await EventClient.subscribed(d, `?last_event_id=${first}&type=port_updated,port_removed`),
        "last_event_id + type",
        (m) => m.event === "port_updated" || m.event === "port_removed",
      ],
      [await EventClient.subscribed(d, "?uri=/streams", { "Last-Event-ID": String(first) }), "Last-Event-ID + uri", (m) => below(uriOf(m), "/streams")],
      [
        await EventClient.subscribed(d, `?type=port_added&uri=${cellar.port_uri}`, { "Last-Event-ID": String(first) }),
        "Last-Event-ID + type + exact uri",
        (m) => m.event === "port_added" && uriOf(m) === cellar.port_uri,
      ],
      [
        await EventClient.subscribed(d, `?last_event_id=${seenUpTo}&type=peer_updated`),
        "nothing missed",
        (m) => m.event === "peer_updated",
      ],
    ];
    const last = await mark();
    try {
      for (const [c, what, pred] of replays) {
        const after = what === "nothing missed" ? seenUpTo : first;
        assert.ok(c.messages.every((m) => id(m) > after), `${what}: nothing from before ${after}`);
        const got = await assertSubsequence(c, what, last, pred, after);
        assert.ok(got.length > 0, what);
        assert.ok(c.messages.every((m) => m.event !== "replay_gap"), `${what}: no gap`);
      }
      assert.deepEqual(replays[2]![0].messages.filter((m) => id(m) <= last).length, 1, "the one port_added of that port");

      // Replay first, then the snapshot, then live events.
      const both = await EventClient.subscribed(d, `?last_event_id=${first}&snapshot=true&uri=/peers/self/ports`);
      try {
        const end = await both.waitFor((m) => m.event === "snapshot_end");
        const endAt = both.messages.indexOf(end);
        const firstSnap = both.messages.findIndex((m) => m.event === "snapshot");
        assert.ok(firstSnap > 0 && firstSnap < endAt, "snapshots between replay and snapshot_end");
        const replayed = both.messages.slice(0, firstSnap);
        const selfPorts = `/peers/${peerUid}/ports`;
        assert.deepEqual(
          replayed.filter((m) => id(m) <= last),
          all.messages.filter((m) => id(m) > first && id(m) <= last && below(uriOf(m), selfPorts)),
        );
        assert.ok(Number(data(end).last_event_id) >= last, end.data);
        const ports = (await d.client.GET("/peers/{peer}/ports", self)).data!;
        assert.deepEqual(
          both.messages.slice(firstSnap, endAt).map((m) => data(m).uri).sort(),
          ports.map((p) => p.port_uri).sort(),
        );
      } finally {
        both.close();
      }

      // An id older than the history (here: from before this run) is a gap;
      // what is kept follows, filtered.
      const old = await EventClient.subscribed(d, "?last_event_id=1&type=peer_updated");
      try {
        const gap = await old.waitFor((m) => m.event === "replay_gap");
        assert.equal(old.messages[0], gap, "replay_gap comes first");
        assert.deepEqual(data(gap), { last_event_id: 1 });
        assert.equal(gap.id, undefined);
        // Everything kept, so also what came before `all` subscribed.
        await assertSubsequence(old, "after a gap", last, (m) => m.event === "peer_updated", id(all.messages[0]!) - 1);
        assert.ok(old.messages.slice(1).every((m) => m.event === "peer_updated"));
      } finally {
        old.close();
      }
    } finally {
      for (const [c] of replays) c.close();
    }
  });
});

/** Whether an event passes the `type` and `uri` parameters of `query`. */
function matchesQuery(query: string, m: Message, peerUid: string): boolean {
  const params = new URLSearchParams(query.slice(1));
  const types = params.get("type")?.split(",") ?? [];
  const uris = (params.get("uri")?.split(",") ?? []).map((u) => u.replace(/^\/peers\/self(?=\/|$)/, `/peers/${peerUid}`));
  return (types.length === 0 || types.includes(m.event)) && (uris.length === 0 || uris.some((u) => below(uriOf(m), u)));
}
