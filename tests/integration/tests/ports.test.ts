// /peers/{peer}/ports: list, read, create virtual devices, change, delete;
// validation, persistence across restarts, and port events.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { assertFetchProblem, sleep, uidPattern } from "../harness/http.js";
import { EventClient } from "../harness/sse.js";

const self = { params: { path: { peer: "self" } } } as const;
const one = (port: string) => ({ params: { path: { peer: "self", port } } }) as const;

async function createSpeaker(d: Daemon, display_name = "Kitchen") {
  const { data, response } = await d.client.POST("/peers/{peer}/ports", {
    ...self,
    body: { port_type: "virtual_device", direction: "output", display_name, channels: 2, rate: 48000 },
  });
  assert.equal(response.status, 201, JSON.stringify(data));
  assert.ok(data);
  return { port: data, response };
}

/** Raw request with any body (for what the typed client refuses to send). */
async function send(d: Daemon, method: string, path: string, body: string, contentType = "application/json") {
  const response = await fetch(`${d.baseUrl}${path}`, { method, headers: { "content-type": contentType }, body });
  const text = await response.text();
  return { response, body: text.length > 0 ? JSON.parse(text) : undefined };
}

describe("ports", () => {
  it("lists the mock driver's devices as present system ports, by self and by uid", async (t) => {
    const d = await startDaemon();
    t.after(() => d.stop());
    const { data, response } = await d.client.GET("/peers/{peer}/ports", self);
    assert.equal(response.status, 200);
    assert.ok(data && data.length > 0);
    const peer = (await d.client.GET("/status")).data!.peer_uid;
    for (const port of data) {
      assert.match(port.port_uid, uidPattern);
      assert.equal(port.port_uri, `/peers/${peer}/ports/${port.port_uid}`);
      assert.equal(port.port_type, "system_device");
      assert.equal(port.state, "present");
      assert.equal(port.driver, "mock");
      assert.ok(port.channels >= 1 && port.rate >= 1);
      const got = await d.client.GET("/peers/{peer}/ports/{port}", one(port.port_uid));
      assert.equal(got.response.status, 200);
      assert.deepEqual(got.data, port);
      const byUid = await d.client.GET("/peers/{peer}/ports/{port}", {
        params: { path: { peer, port: port.port_uid } },
      });
      assert.deepEqual(byUid.data, port);
    }
  });

  it("creates, changes and deletes a virtual speaker and a virtual microphone", async (t) => {
    const d = await startDaemon();
    t.after(() => d.stop());
    const { port, response } = await createSpeaker(d);
    assert.equal(response.headers.get("location"), port.port_uri);
    assert.equal(port.port_type, "virtual_device");
    assert.equal(port.direction, "output");
    assert.equal(port.display_name, "Kitchen");
    assert.equal(port.state, "present");
    assert.equal(port.channels, 2);
    assert.equal(port.rate, 48000);
    assert.equal(port.volume, 1);
    assert.equal(port.mute, false);

    const mic = await d.client.POST("/peers/{peer}/ports", {
      ...self,
      body: { direction: "input", channels: 1, rate: 16000 },
    });
    assert.equal(mic.response.status, 201);
    assert.equal(mic.data!.direction, "input");
    assert.equal(mic.data!.display_name, "Virtual microphone");

    const list = (await d.client.GET("/peers/{peer}/ports", self)).data!;
    assert.ok(list.some((p) => p.port_uid === port.port_uid));
    assert.ok(list.some((p) => p.port_uid === mic.data!.port_uid));

    const patched = await d.client.PATCH("/peers/{peer}/ports/{port}", {
      ...one(port.port_uid),
      body: { display_name: "Terrace", volume: 0.5, mute: true },
    });
    assert.equal(patched.response.status, 200);
    assert.equal(patched.data!.display_name, "Terrace");
    assert.equal(patched.data!.volume, 0.5);
    assert.equal(patched.data!.mute, true);
    assert.deepEqual((await d.client.GET("/peers/{peer}/ports/{port}", one(port.port_uid))).data, patched.data);

    for (const uid of [port.port_uid, mic.data!.port_uid]) {
      const del = await d.client.DELETE("/peers/{peer}/ports/{port}", one(uid));
      assert.equal(del.response.status, 204);
      const gone = await d.client.GET("/peers/{peer}/ports/{port}", one(uid));
      await assertFetchProblem(gone.response, gone.error, { status: 404, type: "not-found" });
    }
  });

  it("changes a system device's display name, volume and mute; refuses to delete it", async (t) => {
    const d = await startDaemon();
    t.after(() => d.stop());
    const system = (await d.client.GET("/peers/{peer}/ports", self)).data!.find((p) => p.port_type === "system_device")!;
    const patched = await d.client.PATCH("/peers/{peer}/ports/{port}", {
      ...one(system.port_uid),
      body: { display_name: "Desk speakers", volume: 2, mute: true },
    });
    assert.equal(patched.response.status, 200);
    assert.equal(patched.data!.display_name, "Desk speakers");
    assert.equal(patched.data!.volume, 2);

    const del = await d.client.DELETE("/peers/{peer}/ports/{port}", one(system.port_uid));
    await assertFetchProblem(del.response, del.error, { status: 409, type: "conflict", detail: /system device/ });
    assert.equal((await d.client.GET("/peers/{peer}/ports/{port}", one(system.port_uid))).response.status, 200);
  });

  it("rejects bad input with a problem naming the field, creating nothing", async (t) => {
    const d = await startDaemon();
    t.after(() => d.stop());
    const before = (await d.client.GET("/peers/{peer}/ports", self)).data!;
    const path = "/peers/self/ports";
    const cases: [string, string][] = [
      [`{"direction":"output","colour":"red"}`, "colour"],
      [`{"channels":2}`, "direction"],
      [`{"direction":"duplex"}`, "direction"],
      [`{"direction":"sideways"}`, "direction"],
      [`{"direction":"output","port_type":"system_device"}`, "port_type"],
      [`{"direction":"output","channels":0}`, "channels"],
      [`{"direction":"output","channels":33}`, "channels"],
      [`{"direction":"output","channels":2.5}`, "channels"],
      [`{"direction":"output","channels":"2"}`, "channels"],
      [`{"direction":"output","rate":7999}`, "rate"],
      [`{"direction":"output","rate":192001}`, "rate"],
      [`{"direction":"output","rate":-48000}`, "rate"],
      [`{"direction":"output","display_name":""}`, "display_name"],
      [`{"direction":"output","display_name":"${"x".repeat(65)}"}`, "display_name"],
      [`{"direction":"output","display_name":7}`, "display_name"],
    ];
    for (const [body, field] of cases) {
      const r = await send(d, "POST", path, body);
      await assertFetchProblem(r.response, r.body, { status: 400, type: "invalid-field", field });
    }
    const notJson = await send(d, "POST", path, `{"direction":"output"}`, "text/plain");
    assert.equal(notJson.response.status, 415);

    const system = before[0]!;
    const patchCases: [string, string | undefined][] = [
      [`{"volume":4.01}`, "volume"],
      [`{"volume":-1}`, "volume"],
      [`{"volume":"loud"}`, "volume"],
      [`{"mute":"yes"}`, "mute"],
      [`{"display_name":""}`, "display_name"],
      [`{"state":"absent"}`, "state"],
      [`{}`, undefined],
    ];
    for (const [body, field] of patchCases) {
      const r = await send(d, "PATCH", `${path}/${system.port_uid}`, body);
      await assertFetchProblem(r.response, r.body, { status: 400, type: "invalid-field", field });
    }
    assert.deepEqual((await d.client.GET("/peers/{peer}/ports", self)).data, before);

    const malformed = await send(d, "PATCH", `${path}/not-a-uid`, `{"mute":true}`);
    await assertFetchProblem(malformed.response, malformed.body, { status: 400, type: "invalid-field", field: "port" });
    const unknown = await d.client.PATCH("/peers/{peer}/ports/{port}", {
      ...one("aaaaaa-bbbbbb-cccccc"),
      body: { mute: true },
    });
    await assertFetchProblem(unknown.response, unknown.error, { status: 404, type: "not-found" });
    const unknownPeer = await d.client.GET("/peers/{peer}/ports", { params: { path: { peer: "aaaaaa-bbbbbb-cccccc" } } });
    await assertFetchProblem(unknownPeer.response, unknownPeer.error, { status: 404, type: "not-found" });
    const delUnknown = await d.client.DELETE("/peers/{peer}/ports/{port}", one("aaaaaa-bbbbbb-cccccc"));
    await assertFetchProblem(delUnknown.response, delUnknown.error, { status: 404, type: "not-found" });
  });

  it("keeps virtual devices (same uid) and settings across a restart and kill -9", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    let d = await startDaemon({ stateDir: state.path });
    const { port } = await createSpeaker(d, "Garden");
    const system = (await d.client.GET("/peers/{peer}/ports", self)).data!.find((p) => p.port_type === "system_device")!;
    await d.client.PATCH("/peers/{peer}/ports/{port}", { ...one(system.port_uid), body: { display_name: "Hi-fi", volume: 0.25 } });
    await d.stop();

    d = await startDaemon({ stateDir: state.path });
    let again = await d.client.GET("/peers/{peer}/ports/{port}", one(port.port_uid));
    assert.equal(again.response.status, 200);
    assert.deepEqual(again.data, port);
    let sys = (await d.client.GET("/peers/{peer}/ports/{port}", one(system.port_uid))).data!;
    assert.equal(sys.display_name, "Hi-fi");
    assert.equal(sys.volume, 0.25);
    await d.kill9();

    d = await startDaemon({ stateDir: state.path });
    t.after(() => d.stop());
    again = await d.client.GET("/peers/{peer}/ports/{port}", one(port.port_uid));
    assert.deepEqual(again.data, port);
    sys = (await d.client.GET("/peers/{peer}/ports/{port}", one(system.port_uid))).data!;
    assert.equal(sys.display_name, "Hi-fi");
    const list = (await d.client.GET("/peers/{peer}/ports", self)).data!;
    assert.equal(list.filter((p) => p.port_type === "virtual_device").length, 1);
  });

  it("publishes port_added, port_updated and port_removed with the port as GET returns it", async (t) => {
    const d = await startDaemon();
    t.after(() => d.stop());
    const events = await EventClient.open(d, "?type=port_added,port_updated,port_removed");
    t.after(() => events.close());
    await sleep(200);
    const { port } = await createSpeaker(d);
    assert.deepEqual(await events.waitForData("port_added", (p) => p.port_uid === port.port_uid), port);
    const patched = (
      await d.client.PATCH("/peers/{peer}/ports/{port}", { ...one(port.port_uid), body: { mute: true } })
    ).data!;
    assert.deepEqual(await events.waitForData("port_updated", (p) => p.port_uid === port.port_uid), patched);
    await d.client.DELETE("/peers/{peer}/ports/{port}", one(port.port_uid));
    assert.deepEqual(await events.waitForData("port_removed", (p) => p.port_uid === port.port_uid), patched);
    assert.equal(events.messages.filter((m) => m.event === "port_added").length, 1, "one event per change");

    // A snapshot lists every port.
    const snap = await EventClient.open(d, "?snapshot=true");
    t.after(() => snap.close());
    const first = (await d.client.GET("/peers/{peer}/ports", self)).data![0]!;
    const s = await snap.waitForData("snapshot", (m) => m.uri === first.port_uri);
    assert.equal(s.kind, "port");
    assert.deepEqual(s.resource, first);
  });
});
