// A stream between two peers' ports with real audio: peers A and B (rocd
// daemons trusted by a fleet secret, both on one private PipeWire session),
// one POST on A from A's virtual speaker, which pw-play feeds with a 1 kHz
// tone, to B's null sink, whose monitor pw-record captures. B binds the
// receiving end, A sends there (RS8M + RTCP); a DELETE on B silences it;
// B's sink destroyed and re-created makes B's half wait, then play again.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import type { components } from "../generated/api.js";
import { writeToneWav } from "../harness/audio.js";
import type { Daemon } from "../harness/daemon.js";
import { fleetOfTwo, until } from "../harness/fleet.js";
import { sleep } from "../harness/http.js";
import { createNullSink, destroyNode, recordTone, startSandbox, toneShare, type Sandbox } from "../harness/pipewire.js";

type Port = components["schemas"]["Port"];
type Stream = components["schemas"]["Stream"];

const toneHz = 1000;
const scratch = mkdtempSync("/dev/shm/rocd-it-xpw-");
const toneWav = join(scratch, "tone.wav");

async function portNamed(d: Daemon, systemName: string): Promise<Port> {
  return until(
    `port ${systemName}`,
    async () => (await d.client.GET("/peers/{peer}/ports", { params: { path: { peer: "self" } } })).data?.find((p) => p.system_name === systemName && p.state === "present"),
    (p) => p !== undefined,
  );
}

describe("a cross-peer stream on PipeWire", { timeout: 180_000 }, () => {
  let pw: Sandbox;
  let a: Daemon;
  let b: Daemon;
  let playing = true;
  let player: ReturnType<Sandbox["run"]> | undefined;
  let speaker: Port;

  before(async () => {
    writeToneWav(toneWav, toneHz, 20, 48000, 2, 0.5);
    pw = await startSandbox();
    ({ a, b } = await fleetOfTwo([], undefined, { driver: "pipewire", env: pw.env }));
  });

  /** One POST on A from A's virtual speaker to `sink`, a port of B. */
  async function speakerTo(sink: Port): Promise<Stream> {
    const made = await a.client.POST("/streams", {
      body: {
        source: { type: "port", port_uri: speaker.port_uri },
        destination: { type: "port", port_uri: sink.port_uri },
        settings: { target_latency_ms: 100 },
      },
    });
    assert.equal(made.response.status, 201, JSON.stringify(made.error));
    return made.data as Stream;
  }

  after(async () => {
    playing = false;
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await pw?.stop();
    await player?.catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it("carries a tone from A's virtual speaker to B's sink; a DELETE on B stops it on both", async () => {
    const created = await a.client.POST("/peers/{peer}/ports", {
      params: { path: { peer: "self" } },
      body: { port_type: "virtual_device", direction: "output", display_name: "Tone in", channels: 2, rate: 48000 },
    });
    assert.equal(created.response.status, 201);
    speaker = created.data!;
    void (async () => {
      while (playing) {
        player = pw.run("pw-play", ["--target", speaker.system_name, toneWav], 30_000);
        await player.catch(() => undefined);
      }
    })();
    const sink = await portNamed(b, "rocd_sandbox_sink_1");
    const silent = await recordTone(pw, sink.system_name, 1.5, toneHz, scratch);
    assert.equal(silent.share, 0, `before the stream: ${silent.detail}`);

    const stream = await speakerTo(sink);
    await until("B's half active", async () => (await b.client.GET("/streams/{stream}", { params: { path: { stream: stream.stream_uid } } })).data, (s) => s?.state === "active");
    const heard = await toneShare(pw, sink.system_name, 2, toneHz, scratch);
    assert.ok(heard.share >= 0.8, `through the cross-peer stream: ${heard.detail}`);

    const deleted = await b.client.DELETE("/streams/{stream}", { params: { path: { stream: stream.stream_uid } } });
    assert.equal(deleted.response.status, 204);
    await until("A's half gone", async () => (await a.client.GET("/streams")).data?.length, (n) => n === 0);
    await sleep(300);
    const after = await recordTone(pw, sink.system_name, 1.5, toneHz, scratch);
    assert.equal(after.share, 0, `after the DELETE: ${after.detail}`);
  });

  it("B's half waits for its sink while it is destroyed and plays the tone again when it is re-created", async () => {
    const sinkName = "rocd_it_xpeer_hotplug_sink";
    await createNullSink(pw, sinkName);
    const sink = await portNamed(b, sinkName);
    const uid = (await speakerTo(sink)).stream_uid;
    const onB = () => b.client.GET("/streams/{stream}", { params: { path: { stream: uid } } }).then((r) => r.data);
    try {
      await until("B's half active", onB, (s) => s?.state === "active");
      await destroyNode(pw, sinkName);
      const waiting = await until("B's half waiting for its sink", onB, (s) => s?.state === "waiting_for_port");
      assert.equal(waiting.end, "destination");
      await createNullSink(pw, sinkName);
      await until("B's half active again", onB, (s) => s?.state === "active");
      await sleep(1000);
      const heard = await toneShare(pw, sinkName, 2, toneHz, scratch);
      assert.ok(heard.share >= 0.8, `after re-creating the sink: ${heard.detail}`);
    } finally {
      await a.client.DELETE("/streams/{stream}", { params: { path: { stream: uid } } });
      await destroyNode(pw, sinkName);
    }
  });
});
