// Stream addresses given by host name: resolved off the control thread with a
// deadline, against a stub name server on a loopback address (rocd runs in a
// private mount namespace whose resolv.conf points at it).
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, before, describe, it } from "node:test";

import { startDaemon, type Daemon } from "../harness/daemon.js";
import { startDnsStub, type DnsStub } from "../harness/dns.js";
import { assertFetchProblem } from "../harness/http.js";
import { mic } from "../harness/mock_ports.js";
import { freeUdpPort } from "../harness/udp.js";

const nameServer = "127.0.0.153";

function sendTo(media: string) {
  return { body: { source: { type: "port" as const, port_uri: mic }, destination: { type: "address" as const, media_uri: media } } };
}

describe("stream addresses by host name", () => {
  let dns: DnsStub;
  let d: Daemon;
  before(async () => {
    dns = await startDnsStub(nameServer, (name) =>
      name.startsWith("silent.") ? "silent" : name.startsWith("missing.") ? "nxdomain" : { address: "127.0.0.1" },
    );
    d = await startDaemon({ wrapper: dns.wrapper });
  });
  after(async () => {
    assert.deepEqual(await d.stop(), { code: 0, signal: null });
    await dns.close();
  });

  it("a name that resolves: the stream sends to its address and keeps the name", async () => {
    const port = await freeUdpPort();
    const sink = createSocket("udp4");
    await new Promise<void>((r) => sink.bind(port, "127.0.0.1", () => r()));
    const got = new Promise<Buffer>((r) => sink.once("message", (m) => r(m)));
    try {
      const res = await d.client.POST("/streams", sendTo(`rtp://speaker.test:${port}`));
      assert.equal(res.response.status, 201, JSON.stringify(res.error));
      assert.equal(res.data!.destination.type === "address" && res.data!.destination.media_uri, `rtp://speaker.test:${port}`);
      const packet = await got;
      assert.equal(packet[0]! >> 6, 2, "an RTP packet arrived at the resolved address");
      assert.ok(dns.asked.includes("speaker.test"));
      await d.client.DELETE("/streams/{stream}", { params: { path: { stream: res.data!.stream_uid } } });
    } finally {
      sink.close();
    }
  });

  it("a name that does not exist: 400 naming the field, nothing created", async () => {
    const res = await d.client.POST("/streams", sendTo("rtp://missing.test:10001"));
    await assertFetchProblem(res.response, res.error, { status: 400, type: "invalid-field", field: "destination.media_uri", detail: /missing\.test/ });
    assert.deepEqual((await d.client.GET("/streams")).data, []);
  });

  it("a name server that never answers: 504 after the deadline, and the API answers meanwhile", async () => {
    const pending = d.client.POST("/streams", sendTo("rtp://silent.test:10001"));
    let postDone = false;
    void pending.then(() => (postDone = true));
    // While the lookup waits, the control thread serves everyone else.
    for (let i = 0; i < 5; i++) {
      const status = await d.client.GET("/status");
      assert.equal(status.response.status, 200);
    }
    assert.equal(postDone, false, "the lookup is still waiting while /status answered five times");
    const res = await pending;
    await assertFetchProblem(res.response, res.error, { status: 504, type: "timed-out", field: "destination.media_uri", detail: /silent\.test/ });
    assert.deepEqual((await d.client.GET("/streams")).data, []);
  });

  it("legacy numeric IPv4 forms are refused, not resolved", async () => {
    for (const host of ["1.2.3", "2130706433", "0x7f.0.0.1"]) {
      const res = await d.client.POST("/streams", sendTo(`rtp://${host}:10001`));
      await assertFetchProblem(res.response, res.error, { status: 400, type: "invalid-field", field: "destination.media_uri" });
    }
    assert.ok(!dns.asked.some((name) => /^[0-9x.]+$/.test(name)), `no lookup of a numeric form: ${dns.asked}`);
  });
});
