// /streams: create (send and receive), list, read, change, delete, every
// validation class, persistence across a restart, through the generated
// client against the daemon with the mock driver and real UDP on 127.0.0.1.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, before, describe, it } from "node:test";

import type { components } from "../generated/api.js";
import { startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { assertFetchProblem, sleep, uidPattern } from "../harness/http.js";
import { mic, speakers } from "../harness/mock_ports.js";
import { freeUdpPort } from "../harness/udp.js";

type Stream = components["schemas"]["Stream"];
type StreamCreate = components["schemas"]["StreamCreate"];

function sendBody(media: string): StreamCreate {
  return { source: { type: "port", port_uri: mic }, destination: { type: "address", media_uri: media } };
}

function receiveBody(media: string): StreamCreate {
  return {
    source: { type: "address", media_uri: media },
    destination: { type: "port", port_uri: speakers },
    settings: { target_latency_ms: 60 },
  };
}

async function waitState(d: Daemon, uid: string, state: string): Promise<Stream> {
  let last: Stream | undefined;
  for (let i = 0; i < 100; i++) {
    const { data } = await d.client.GET("/streams/{stream}", { params: { path: { stream: uid } } });
    last = data;
    if (data?.state === state) return data;
    await sleep(50);
  }
  assert.fail(`stream ${uid} never reached ${state}: ${JSON.stringify(last)}`);
}

describe("streams", () => {
  let d: Daemon;
  const state = tempDir();
  before(async () => {
    d = await startDaemon({ stateDir: state.path });
  });
  after(async () => {
    const exit = await d.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    state.remove();
  });

  it("carries audio from a port to an address and from the address to a port", async () => {
    const media = `rtp://127.0.0.1:${await freeUdpPort()}`;
    const rx = await d.client.POST("/streams", { body: receiveBody(media) });
    assert.equal(rx.response.status, 201);
    assert.match(rx.data!.stream_uid, uidPattern);
    assert.equal(rx.response.headers.get("location"), `/streams/${rx.data!.stream_uid}`);
    assert.equal(rx.data!.direction, "receive");
    const tx = await d.client.POST("/streams", { body: sendBody(media) });
    assert.equal(tx.response.status, 201);
    assert.equal(tx.data!.direction, "send");

    const sending = await waitState(d, tx.data!.stream_uid, "active");
    const receiving = await waitState(d, rx.data!.stream_uid, "active");
    assert.ok(sending.metrics!.packets_sent > 0);
    assert.ok(receiving.metrics!.packets_received > 0);

    const list = await d.client.GET("/streams");
    assert.equal(list.response.status, 200);
    assert.deepEqual(list.data!.map((s) => s.stream_uid).sort(), [rx.data!.stream_uid, tx.data!.stream_uid].sort());

    for (const s of [rx.data!, tx.data!]) {
      const del = await d.client.DELETE("/streams/{stream}", { params: { path: { stream: s.stream_uid } } });
      assert.equal(del.response.status, 204);
    }
    assert.deepEqual((await d.client.GET("/streams")).data, []);
  });

  it("carries audio from a port to a port of this peer (local)", async () => {
    const res = await d.client.POST("/streams", {
      body: { source: { type: "port", port_uri: mic }, destination: { type: "port", port_uri: speakers }, settings: { target_latency_ms: 60 } },
    });
    assert.equal(res.response.status, 201, JSON.stringify(res.data));
    assert.equal(res.data!.direction, "local");
    const active = await waitState(d, res.data!.stream_uid, "active");
    assert.ok(active.metrics!.packets_sent > 0 && active.metrics!.packets_received > 0, JSON.stringify(active.metrics));
    assert.equal((await d.client.DELETE("/streams/{stream}", { params: { path: { stream: res.data!.stream_uid } } })).response.status, 204);
  });

  it("changes settings with PATCH and keeps the old ones on a bad value", async () => {
    const media = `rtp://127.0.0.1:${await freeUdpPort()}`;
    const rx = await d.client.POST("/streams", { body: receiveBody(media) });
    const path = { params: { path: { stream: rx.data!.stream_uid } } };
    const ok = await d.client.PATCH("/streams/{stream}", { ...path, body: { settings: { target_latency_ms: 100 } } });
    assert.equal(ok.response.status, 200);
    assert.equal(ok.data!.settings.target_latency_ms, 100);
    const bad = await d.client.PATCH("/streams/{stream}", { ...path, body: { settings: { channels: 99 } } });
    await assertFetchProblem(bad.response, bad.error, { status: 400, type: "invalid-field", field: "settings.channels" });
    const now = await d.client.GET("/streams/{stream}", path);
    assert.equal(now.data!.settings.target_latency_ms, 100);
    assert.equal((await d.client.DELETE("/streams/{stream}", path)).response.status, 204);
    const gone = await d.client.GET("/streams/{stream}", path);
    await assertFetchProblem(gone.response, gone.error, { status: 404, type: "not-found" });
    const again = await d.client.DELETE("/streams/{stream}", path);
    await assertFetchProblem(again.response, again.error, { status: 404, type: "not-found" });
  });

  it("refuses invalid streams with a problem naming the field, creating nothing", async () => {
    const port = await freeUdpPort();
    const media = `rtp://127.0.0.1:${port}`;
    const held = await d.client.POST("/streams", { body: receiveBody(media) });
    assert.equal(held.response.status, 201);
    const fecMedia = `rtp+rs8m://127.0.0.1:${await freeUdpPort()}`;
    const cases: Array<[unknown, number, string, string]> = [
      [
        { source: { type: "port", port_uri: "/peers/self/ports/aaaaaa-bbbbbb-cccccc" }, destination: { type: "address", media_uri: media } },
        404,
        "not-found",
        "source.port_uri",
      ],
      [{ ...receiveBody(media), destination: { type: "port", port_uri: mic } }, 400, "invalid-field", "destination.port_uri"],
      [sendBody("rtp://127.0.0.1"), 400, "invalid-field", "destination.media_uri"],
      [sendBody("http://127.0.0.1:80"), 400, "invalid-field", "destination.media_uri"],
      [receiveBody(media), 409, "conflict", "source.media_uri"],
      [{ source: { type: "address", media_uri: media }, destination: { type: "address", media_uri: media } }, 422, "unsupported", "destination.type"],
      [{ source: { type: "port", port_uri: speakers }, destination: { type: "port", port_uri: mic } }, 400, "invalid-field", "destination.port_uri"],
      [sendBody(`rtp+rs8m://127.0.0.1:${port}`), 400, "invalid-field", "destination.repair_uri"],
      [{ ...sendBody(media), destination: { type: "address", media_uri: media, repair_uri: `rs8m://127.0.0.1:${port + 1}` } }, 400, "invalid-field", "destination.repair_uri"],
      [{ ...sendBody(media), extra: 1 }, 400, "invalid-field", "extra"],
      [{ ...sendBody(media), settings: { rate: "fast" } }, 400, "invalid-field", "settings.rate"],
      [{ ...sendBody(media), settings: { resampler_quality: 11 } }, 400, "invalid-field", "settings.resampler_quality"],
      [{ ...sendBody(media), settings: { packet_length_ms: 1000 } }, 400, "invalid-field", "settings.packet_length_ms"],
      [{ ...receiveBody(media), settings: { target_latency_ms: 0 } }, 400, "invalid-field", "settings.target_latency_ms"],
      // The repair socket's address is the one taken: the field says so.
      [
        { ...receiveBody(fecMedia), source: { type: "address", media_uri: fecMedia, repair_uri: `rs8m://127.0.0.1:${port}` } },
        409,
        "conflict",
        "source.repair_uri",
      ],
    ];
    for (const [body, status, type, field] of cases) {
      const res = await fetch(d.baseUrl + "/streams", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      await assertFetchProblem(res, await res.json(), { status, type, field });
    }
    const list = await d.client.GET("/streams");
    assert.equal(list.data!.length, 1);
    await d.client.DELETE("/streams/{stream}", { params: { path: { stream: held.data!.stream_uid } } });
  });

  it("refuses an address another process holds (409) and leaves nothing behind", async () => {
    const holder = createSocket("udp4");
    await new Promise<void>((r) => holder.bind(0, "127.0.0.1", r));
    try {
      const media = `rtp://127.0.0.1:${holder.address().port}`;
      const res = await d.client.POST("/streams", { body: receiveBody(media) });
      await assertFetchProblem(res.response, res.error, { status: 409, type: "conflict", field: "source.media_uri" });
      assert.deepEqual((await d.client.GET("/streams")).data, []);
    } finally {
      holder.close();
    }
  });

  it("holds the port it uses: a virtual speaker in use cannot be deleted", async () => {
    const self = { params: { path: { peer: "self" } } } as const;
    const created = await d.client.POST("/peers/{peer}/ports", {
      ...self,
      body: { port_type: "virtual_device", direction: "output", display_name: "In use", channels: 2, rate: 48000 },
    });
    assert.equal(created.response.status, 201);
    const port = created.data!;
    const tx = await d.client.POST("/streams", {
      body: { source: { type: "port", port_uri: port.port_uri }, destination: { type: "address", media_uri: `rtp://127.0.0.1:${await freeUdpPort()}` } },
    });
    assert.equal(tx.response.status, 201);
    const portPath = { params: { path: { peer: "self", port: port.port_uid } } };
    const refused = await d.client.DELETE("/peers/{peer}/ports/{port}", portPath);
    await assertFetchProblem(refused.response, refused.error, { status: 409, type: "conflict" });
    assert.equal((await d.client.GET("/peers/{peer}/ports/{port}", portPath)).data!.state, "present");

    assert.equal((await d.client.DELETE("/streams/{stream}", { params: { path: { stream: tx.data!.stream_uid } } })).response.status, 204);
    assert.equal((await d.client.DELETE("/peers/{peer}/ports/{port}", portPath)).response.status, 204);
  });

  it("restores streams after a restart", async () => {
    const media = `rtp://127.0.0.1:${await freeUdpPort()}`;
    const rx = await d.client.POST("/streams", { body: receiveBody(media) });
    assert.equal((await d.stop()).code, 0);
    d = await startDaemon({ stateDir: state.path });
    const restored = await d.client.GET("/streams/{stream}", { params: { path: { stream: rx.data!.stream_uid } } });
    assert.equal(restored.response.status, 200);
    assert.equal(restored.data!.source.type, "address");
    assert.ok(["starting", "idle"].includes(restored.data!.state), restored.data!.state);
    assert.equal(restored.data!.settings.target_latency_ms, 60);
  });
});
