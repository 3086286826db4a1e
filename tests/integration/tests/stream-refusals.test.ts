// Stream definitions that could not work, or that carry settings of the other
// direction, are refused with a 400 (or 422 for what is not supported)
// naming the field, and nothing is created.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";

import type { components } from "../generated/api.js";
import { startDaemon, type Daemon } from "../harness/daemon.js";
import { assertFetchProblem } from "../harness/http.js";
import { mic, speakers } from "../harness/mock_ports.js";

type StreamCreate = components["schemas"]["StreamCreate"];

const sendTo = (media_uri: string, settings: StreamCreate["settings"] = {}): StreamCreate => ({
  source: { type: "port", port_uri: mic },
  destination: { type: "address", media_uri },
  settings,
});
const receiveOn = (media_uri: string, settings: StreamCreate["settings"] = {}): StreamCreate => ({
  source: { type: "address", media_uri },
  destination: { type: "port", port_uri: speakers },
  settings,
});

describe("stream refusals", () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  afterEach(async () => {
    assert.deepEqual((await d.client.GET("/streams")).data, [], "nothing was created");
  });
  after(async () => {
    assert.deepEqual(await d.stop(), { code: 0, signal: null });
  });

  const refused = async (body: StreamCreate, status: number, field: string, detail?: RegExp) => {
    const res = await d.client.POST("/streams", { body });
    await assertFetchProblem(res.response, res.error, { status, type: status === 422 ? "unsupported" : "invalid-field", field, ...(detail ? { detail } : {}) });
  };

  it("destinations that cannot work: port 0, the unspecified address, broadcast", async () => {
    await refused(sendTo("rtp://127.0.0.1:0"), 400, "destination.media_uri", /port 0/);
    await refused(sendTo("rtp://0.0.0.0:10001"), 400, "destination.media_uri");
    await refused(sendTo("rtp://[::]:10001"), 400, "destination.media_uri");
    await refused(sendTo("rtp://255.255.255.255:10001"), 400, "destination.media_uri", /broadcast/);
    await refused({ ...sendTo("rtp+rs8m://127.0.0.1:10001"), destination: { type: "address", media_uri: "rtp+rs8m://127.0.0.1:10001", repair_uri: "rs8m://127.0.0.1:0" } }, 400, "destination.repair_uri");
  });

  it("multicast groups are not supported (422), to send to or to receive on", async () => {
    await refused(sendTo("rtp://239.1.2.3:10001"), 422, "destination.media_uri", /multicast/);
    await refused(sendTo("rtp://[ff02::1]:10001"), 422, "destination.media_uri", /multicast/);
    await refused(receiveOn("rtp://239.1.2.3:10001"), 422, "source.media_uri", /multicast/);
  });

  it("a receive stream binds a fixed port, not 0", async () => {
    await refused(receiveOn("rtp://127.0.0.1:0"), 400, "source.media_uri", /fixed port/);
  });

  it("settings of the other direction", async () => {
    await refused(sendTo("rtp://127.0.0.1:10001", { target_latency_ms: 100 }), 400, "settings.target_latency_ms");
    await refused(sendTo("rtp://127.0.0.1:10001", { latency_tolerance_ms: 10 }), 400, "settings.latency_tolerance_ms");
    await refused(receiveOn("rtp://127.0.0.1:10001", { fec_block_source_packets: 0 }), 400, "settings.fec_block_source_packets");
    await refused(receiveOn("rtp://127.0.0.1:10001", { fec_block_repair_packets: 65535 }), 400, "settings.fec_block_repair_packets");
    await refused(receiveOn("rtp://127.0.0.1:10001", { packet_length_ms: 5 }), 400, "settings.packet_length_ms");
    await refused({ source: { type: "port", port_uri: mic }, destination: { type: "port", port_uri: speakers }, settings: { fec_block_source_packets: 18 } }, 400, "settings.fec_block_source_packets", /plain RTP/);
  });

  it("a PATCH with a setting of the other direction changes nothing", async () => {
    const made = await d.client.POST("/streams", { body: sendTo("rtp://127.0.0.1:10001") });
    assert.equal(made.response.status, 201);
    const path = { params: { path: { stream: made.data!.stream_uid } } };
    const patched = await d.client.PATCH("/streams/{stream}", { ...path, body: { settings: { target_latency_ms: 100 } } });
    await assertFetchProblem(patched.response, patched.error, { status: 400, type: "invalid-field", field: "settings.target_latency_ms" });
    assert.equal((await d.client.GET("/streams/{stream}", path)).data!.settings.target_latency_ms ?? null, null);
    assert.equal((await d.client.DELETE("/streams/{stream}", path)).response.status, 204);
  });

  it("a port with more channels than a stream carries names the port and the setting that fixes it", async () => {
    const port = await d.client.POST("/peers/{peer}/ports", {
      params: { path: { peer: "self" } },
      body: { direction: "output", display_name: "Wide", channels: 32, rate: 48000 },
    });
    assert.equal(port.response.status, 201, JSON.stringify(port.error));
    const body: StreamCreate = { source: { type: "port", port_uri: port.data!.port_uri }, destination: { type: "address", media_uri: "rtp://127.0.0.1:10001" } };
    await refused(body, 400, "source.port_uri", /32 channels.*settings\.channels/);
    const ok = await d.client.POST("/streams", { body: { ...body, settings: { channels: 2 } } });
    assert.equal(ok.response.status, 201, JSON.stringify(ok.error));
    assert.equal((await d.client.DELETE("/streams/{stream}", { params: { path: { stream: ok.data!.stream_uid } } })).response.status, 204);
    await d.client.DELETE("/peers/{peer}/ports/{port}", { params: { path: { peer: "self", port: port.data!.port_uid } } });
  });
});
