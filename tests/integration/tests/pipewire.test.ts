// Real audio between two daemons on this machine, on a private PipeWire
// session: A captures a virtual speaker that pw-play feeds with a 1 kHz tone
// and streams it to 127.0.0.1; B receives it into a null sink, whose monitor
// pw-record captures. With RS8M FEC and with plain RTP; B killed with -9 and
// restarted; the sink B plays into destroyed and re-created.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import type { components } from "../generated/api.js";
import { writeToneWav } from "../harness/audio.js";
import { startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { sleep } from "../harness/http.js";
import { createNullSink, destroyNode, recordTone, startSandbox, toneShare, type Sandbox } from "../harness/pipewire.js";
import { EventClient } from "../harness/sse.js";
import { freeUdpPort } from "../harness/udp.js";

type Port = components["schemas"]["Port"];
type Stream = components["schemas"]["Stream"];
type StreamCreate = components["schemas"]["StreamCreate"];

const toneHz = 1000;
const self = { params: { path: { peer: "self" } } } as const;
const one = (stream: string) => ({ params: { path: { stream } } }) as const;

// pw-play and pw-record read and write their files on real-time threads:
// keep them in memory.
const scratch = mkdtempSync(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "rocd-it-pw-"));
const toneWav = join(scratch, "tone.wav");

async function portNamed(d: Daemon, systemName: string, timeoutMs = 10_000): Promise<Port> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await d.client.GET("/peers/{peer}/ports", self);
    const port = data?.find((p) => p.system_name === systemName && p.state === "present");
    if (port) return port;
    if (Date.now() > deadline) assert.fail(`port ${systemName} not present: ${JSON.stringify(data)}`);
    await sleep(100);
  }
}

async function createStream(d: Daemon, body: StreamCreate): Promise<Stream> {
  const { data, response } = await d.client.POST("/streams", { body });
  assert.equal(response.status, 201, JSON.stringify(data));
  return data!;
}

async function waitState(d: Daemon, uid: string, state: Stream["state"], timeoutMs = 15_000): Promise<Stream> {
  const deadline = Date.now() + timeoutMs;
  let last: Stream | undefined;
  for (;;) {
    const { data } = await d.client.GET("/streams/{stream}", one(uid));
    last = data;
    if (data?.state === state) return data;
    if (Date.now() > deadline) assert.fail(`stream ${uid} never ${state}: ${JSON.stringify(last)}`);
    await sleep(100);
  }
}

describe("streams between two daemons on PipeWire", { timeout: 240_000 }, () => {
  let pw: Sandbox;
  let a: Daemon;
  let b: Daemon;
  const bState = tempDir();
  let speaker: Port;
  let player: ReturnType<Sandbox["run"]> | undefined;
  let playing = true;

  const startB = () => startDaemon({ driver: "pipewire", stateDir: bState.path, env: pw.env });

  before(async () => {
    writeToneWav(toneWav, toneHz, 20, 48000, 2, 0.5);
    pw = await startSandbox();
    a = await startDaemon({ driver: "pipewire", env: pw.env });
    b = await startB();
    const created = await a.client.POST("/peers/{peer}/ports", {
      ...self,
      body: { port_type: "virtual_device", direction: "output", display_name: "Tone in", channels: 2, rate: 48000 },
    });
    assert.equal(created.response.status, 201);
    speaker = created.data!;
    // pw-play feeds A's virtual speaker for the whole file, again and again.
    const loop = async () => {
      while (playing) {
        player = pw.run("pw-play", ["--target", speaker.system_name, toneWav], 30_000);
        await player;
      }
    };
    void loop();
  });

  after(async () => {
    playing = false;
    await Promise.allSettled([a?.stop(), b?.stop()]);
    // The player ends with the sandbox's PipeWire.
    await pw?.stop();
    await player?.catch(() => undefined);
    bState.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  const pairs: { sink: string; rx?: Stream; tx?: Stream }[] = [
    { sink: "rocd_sandbox_sink_1" },
    { sink: "rocd_sandbox_sink_2" },
  ];

  it("carries a tone from A's virtual speaker to B's sink with RS8M FEC and with plain RTP", async (t) => {
    const [fec, plain] = pairs as [(typeof pairs)[0], (typeof pairs)[0]];
    // The detector's control: no stream yet, so no tone in the sink.
    const silent = await recordTone(pw, fec.sink, 1.5, toneHz, scratch);
    assert.equal(silent.share, 0, `before any stream: ${silent.detail}`);
    const media = await freeUdpPort();
    const repair = await freeUdpPort();
    const rtp = await freeUdpPort();
    const fecRx: StreamCreate = {
      source: {
        type: "address",
        media_uri: `rtp+rs8m://127.0.0.1:${media}`,
        repair_uri: `rs8m://127.0.0.1:${repair}`,
      },
      destination: { type: "port", port_uri: (await portNamed(b, fec.sink)).port_uri },
      settings: { target_latency_ms: 100 },
    };
    fec.rx = await createStream(b, fecRx);
    plain.rx = await createStream(b, {
      source: { type: "address", media_uri: `rtp://127.0.0.1:${rtp}` },
      destination: { type: "port", port_uri: (await portNamed(b, plain.sink)).port_uri },
      settings: { target_latency_ms: 100 },
    });
    fec.tx = await createStream(a, {
      source: { type: "port", port_uri: speaker.port_uri },
      destination: {
        type: "address",
        media_uri: `rtp+rs8m://127.0.0.1:${media}`,
        repair_uri: `rs8m://127.0.0.1:${repair}`,
      },
    });
    plain.tx = await createStream(a, {
      source: { type: "port", port_uri: speaker.port_uri },
      destination: { type: "address", media_uri: `rtp://127.0.0.1:${rtp}` },
    });

    for (const p of pairs) {
      await waitState(a, p.tx!.stream_uid, "active");
      await waitState(b, p.rx!.stream_uid, "active");
    }
    // Let the jitter buffers and drift compensation settle.
    await sleep(1000);
    const [fecTone, plainTone] = await Promise.all([toneShare(pw, fec.sink, 3, toneHz, scratch), toneShare(pw, plain.sink, 3, toneHz, scratch)]);
    t.diagnostic(`RS8M: ${fecTone.detail}; RTP: ${plainTone.detail}`);
    assert.ok(fecTone.share >= 0.8, `RS8M: ${fecTone.detail}`);
    assert.ok(plainTone.share >= 0.8, `RTP: ${plainTone.detail}`);

    const { data: received } = await b.client.GET("/streams/{stream}", one(fec.rx.stream_uid));
    assert.ok(received!.metrics!.packets_received > 100, JSON.stringify(received!.metrics));
    assert.equal(received!.metrics!.sessions, 1);
    const { data: sent } = await a.client.GET("/streams/{stream}", one(fec.tx.stream_uid));
    assert.ok(sent!.metrics!.packets_sent > 100, JSON.stringify(sent!.metrics));
  });

  it("restores B's streams after kill -9 and the audio resumes", async (t) => {
    const before = (await b.client.GET("/streams")).data!;
    await b.kill9();
    b = await startB();
    const restored = (await b.client.GET("/streams")).data!;
    assert.deepEqual(
      restored.map((s) => [s.stream_uid, s.source, s.destination, s.settings]),
      before.map((s) => [s.stream_uid, s.source, s.destination, s.settings]),
    );
    for (const p of pairs) await waitState(b, p.rx!.stream_uid, "active");
    await sleep(1000);
    const [fecTone, plainTone] = await Promise.all([
      toneShare(pw, pairs[0]!.sink, 3, toneHz, scratch),
      toneShare(pw, pairs[1]!.sink, 3, toneHz, scratch),
    ]);
    t.diagnostic(`RS8M: ${fecTone.detail}; RTP: ${plainTone.detail}`);
    assert.ok(fecTone.share >= 0.8, `RS8M after restart: ${fecTone.detail}`);
    assert.ok(plainTone.share >= 0.8, `RTP after restart: ${plainTone.detail}`);
  });

  it("carries the tone from A's virtual speaker to a sink of A (a local stream)", async (t) => {
    const sinkName = "rocd_it_local_sink";
    await createNullSink(pw, sinkName);
    const sink = await portNamed(a, sinkName);
    const local = await createStream(a, {
      source: { type: "port", port_uri: speaker.port_uri },
      destination: { type: "port", port_uri: sink.port_uri },
      settings: { target_latency_ms: 60 },
    });
    try {
      assert.equal(local.direction, "local");
      await waitState(a, local.stream_uid, "active");
      await sleep(1000);
      const tone = await toneShare(pw, sinkName, 3, toneHz, scratch);
      t.diagnostic(tone.detail);
      assert.ok(tone.share >= 0.8, `local stream: ${tone.detail}`);
    } finally {
      await a.client.DELETE("/streams/{stream}", one(local.stream_uid));
      await destroyNode(pw, sinkName);
    }
  });

  it("waits for the sink B plays into while it is destroyed and resumes when it is re-created, events in order", async (t) => {
    const sinkName = "rocd_it_hotplug_sink";
    const createSink = () => createNullSink(pw, sinkName);
    const destroySink = () => destroyNode(pw, sinkName);
    await createSink();
    const sink = await portNamed(b, sinkName);
    const media = await freeUdpPort();
    const rx = await createStream(b, {
      source: { type: "address", media_uri: `rtp://127.0.0.1:${media}` },
      destination: { type: "port", port_uri: sink.port_uri },
      settings: { target_latency_ms: 100 },
    });
    const tx = await createStream(a, {
      source: { type: "port", port_uri: speaker.port_uri },
      destination: { type: "address", media_uri: `rtp://127.0.0.1:${media}` },
    });
    await waitState(a, tx.stream_uid, "active");
    await waitState(b, rx.stream_uid, "active");

    const events = await EventClient.open(b, `?uri=${encodeURIComponent(sink.port_uri)},${encodeURIComponent(rx.stream_uri)}`);
    try {
      await destroySink();
      await waitState(b, rx.stream_uid, "waiting_for_port");
      const { data: gone } = await b.client.GET("/peers/{peer}/ports/{port}", {
        params: { path: { peer: "self", port: sink.port_uid } },
      });
      assert.equal(gone!.state, "absent", "a port a stream uses stays listed while unplugged");

      await createSink();
      await waitState(b, rx.stream_uid, "active");
      await sleep(1000);
      const tone = await toneShare(pw, sinkName, 3, toneHz, scratch);
      t.diagnostic(tone.detail);
      assert.ok(tone.share >= 0.8, `after re-creating the sink: ${tone.detail}`);

      // What a client watching the port and the stream saw, in order.
      const seen = events.messages.map((m) => {
        const data = JSON.parse(m.data) as Record<string, unknown>;
        return { id: Number(m.id), what: `${m.event}:${String(data["state"])}` };
      });
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.id > seen[i - 1]!.id, JSON.stringify(seen));
      const order = seen.map((s) => s.what);
      const expected = [
        "port_updated:absent",
        "stream_state_changed:waiting_for_port",
        "port_updated:present",
        "stream_state_changed:starting",
        "stream_state_changed:active",
      ];
      let at = 0;
      for (const what of order) if (what === expected[at]) at++;
      t.diagnostic(order.join(" → "));
      assert.equal(at, expected.length, `expected ${expected.join(" → ")} in order; got ${order.join(" → ")}`);
    } finally {
      events.close();
      await a.client.DELETE("/streams/{stream}", one(tx.stream_uid));
      await b.client.DELETE("/streams/{stream}", one(rx.stream_uid));
      if ((await pw.nodeId(sinkName)) !== undefined) await destroySink();
    }
  });
});
