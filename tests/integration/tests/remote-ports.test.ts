// Another peer's ports changed through this daemon's API (docs/p2p.md §13):
// two daemons that trust each other by a fleet secret; A creates, renames
// and deletes a virtual device on B, and B's refusals reach A's client as
// B's own API would have put them. Real ZeroMQ + CURVE on loopback.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { fleetOfTwo, peerOn, until } from "../harness/fleet.js";
import { assertFetchProblem, sleep } from "../harness/http.js";
import { EventClient } from "../harness/sse.js";

describe("remote ports", () => {
  it("A creates, changes and deletes a virtual device on B through its own API", async () => {
    const { a, b, bUid } = await fleetOfTwo();
    try {
      const onB = (port: string) => ({ params: { path: { peer: bUid, port } } }) as const;
      const events = await EventClient.subscribed(a, `?uri=/peers/${bUid}`);
      const created = await a.client.POST("/peers/{peer}/ports", {
        params: { path: { peer: bUid } },
        body: { direction: "output", display_name: "From studio" },
      });
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      const port = created.data!;
      assert.equal(port.port_uri, `/peers/${bUid}/ports/${port.port_uid}`);
      assert.equal(created.response.headers.get("location"), port.port_uri);
      assert.equal(port.port_type, "virtual_device");
      // B made it, and A's mirror and event stream follow.
      const own = await b.client.GET("/peers/{peer}/ports/{port}", { params: { path: { peer: "self", port: port.port_uid } } });
      assert.equal(own.data?.display_name, "From studio");
      const added = await events.waitForData("port_added", (p) => p.port_uid === port.port_uid);
      assert.equal(added.port_uri, port.port_uri);

      const changed = await a.client.PATCH("/peers/{peer}/ports/{port}", {
        ...onB(port.port_uid),
        body: { display_name: "Renamed from A", volume: 0.5 },
      });
      assert.equal(changed.response.status, 200, JSON.stringify(changed.error));
      assert.equal(changed.data!.display_name, "Renamed from A");
      assert.equal(changed.data!.volume, 0.5);
      const ownNow = await b.client.GET("/peers/{peer}/ports/{port}", { params: { path: { peer: "self", port: port.port_uid } } });
      assert.equal(ownNow.data?.display_name, "Renamed from A", "B's own API shows it");
      const updated = await events.waitForData("port_updated", (p) => p.display_name === "Renamed from A");
      assert.equal(updated.port_uid, port.port_uid);
      const mirrored = await a.client.GET("/peers/{peer}/ports/{port}", onB(port.port_uid));
      assert.equal(mirrored.data?.volume, 0.5, "A's mirror followed before A answered");

      // A checks the body itself; B's refusals come back as B's problems.
      const range = await a.client.PATCH("/peers/{peer}/ports/{port}", { ...onB(port.port_uid), body: { volume: 7 } });
      await assertFetchProblem(range.response, range.error, { status: 400, type: "invalid-field", field: "volume" });
      const missing = await a.client.PATCH("/peers/{peer}/ports/{port}", { ...onB("aaaaaa-bbbbbb-cccccc"), body: { mute: true } });
      await assertFetchProblem(missing.response, missing.error, { status: 404, type: "not-found", detail: /aaaaaa-bbbbbb-cccccc/ });
      const system = (await b.client.GET("/peers/{peer}/ports", { params: { path: { peer: "self" } } })).data!.find(
        (p) => p.port_type === "system_device",
      )!;
      const notVirtual = await a.client.DELETE("/peers/{peer}/ports/{port}", onB(system.port_uid));
      await assertFetchProblem(notVirtual.response, notVirtual.error, { status: 409, type: "conflict" });

      const deleted = await a.client.DELETE("/peers/{peer}/ports/{port}", onB(port.port_uid));
      assert.equal(deleted.response.status, 204);
      await events.waitForData("port_removed", (p) => p.port_uid === port.port_uid);
      events.close();
      const gone = await b.client.GET("/peers/{peer}/ports/{port}", { params: { path: { peer: "self", port: port.port_uid } } });
      assert.equal(gone.response.status, 404);
      const again = await a.client.DELETE("/peers/{peer}/ports/{port}", onB(port.port_uid));
      await assertFetchProblem(again.response, again.error, { status: 404, type: "not-found" });

      // B gone: 503 at once, with the reason.
      await b.stop();
      await until("B offline on A", () => peerOn(a, bUid), (p) => p?.state === "offline");
      const offline = await a.client.PATCH("/peers/{peer}/ports/{port}", { ...onB(system.port_uid), body: { mute: true } });
      await assertFetchProblem(offline.response, offline.error, { status: 503, type: "unavailable", detail: /offline/ });
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("a create B takes longer than its deadline for is 504, and shows up in the mirror once made", async (t) => {
    // B's audio server takes 11 s to make a device; A waits 10 s (§7.1).
    const dir = tempDir();
    t.after(() => dir.remove());
    const fixture = join(dir.path, "slow-mock.json");
    writeFileSync(fixture, JSON.stringify({
      create_delay_ms: 11000,
      devices: [{ name: "mock_speakers", display_name: "Mock speakers", direction: "output", channels: 2, rate: 48000 }],
    }));
    const { a, b, bUid } = await fleetOfTwo(["--mock-fixture", fixture]);
    try {
      const res = await a.client.POST("/peers/{peer}/ports", {
        params: { path: { peer: bUid } },
        body: { direction: "output", display_name: "Slow" },
      });
      await assertFetchProblem(res.response, res.error, { status: 504, type: "timed-out", detail: /outcome is unknown/ });
      const mirrored = await until(
        "the device in A's mirror",
        async () => (await a.client.GET("/peers/{peer}/ports", { params: { path: { peer: bUid } } })).data,
        (ports) => ports?.some((p) => p.display_name === "Slow") === true,
      );
      assert.equal(mirrored.filter((p) => p.port_type === "virtual_device").length, 1);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("refuses to forward to a peer this daemon does not trust", async () => {
    const a = await startDaemon();
    const aSelf = (await peerOn(a, "self"))!;
    const c = await startDaemon({ config: `peers:\n  - address: ${aSelf.addresses[0]}\n    public_key: "${aSelf.public_key}"\n` });
    try {
      const cUid = (await peerOn(c, "self"))!.peer_uid;
      await until("C online on A", () => peerOn(a, cUid), (p) => p?.state === "online");
      const res = await a.client.POST("/peers/{peer}/ports", { params: { path: { peer: cUid } }, body: { direction: "input" } });
      await assertFetchProblem(res.response, res.error, { status: 503, type: "unavailable", detail: /not trusted/ });
      assert.equal((await c.client.GET("/peers/{peer}/ports", { params: { path: { peer: "self" } } })).data!.some(
        (p) => p.port_type === "virtual_device"), false, "nothing made on C");
    } finally {
      await c.stop();
      await a.stop();
    }
  });
});
