// Every route of the foundation answers as api/openapi.yaml says.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";

import yaml from "js-yaml";

import type { components } from "../generated/api.js";
import { openapiPath, startDaemon, type Daemon } from "../harness/daemon.js";
import { uidPattern } from "../harness/http.js";
import { operations } from "../harness/spec.js";

type Peer = components["schemas"]["Peer"];

describe("routes", () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    const exit = await d.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
  });

  it("every GET of the document answers 200 with a documented media type", async () => {
    // Routes of one stream need a stream (tests/streams.test.ts), those of a
    // pairing a remote peer (tests/peers.test.ts).
    const gets = operations().filter(
      (op) => op.method === "GET" && !op.path.includes("{stream}") && !op.path.includes("/pairing"),
    );
    assert.ok(gets.length >= 8, `the document declares the foundation's routes (${gets.length})`);
    // Routes of one port take a port of the mock driver's default devices.
    const ports = (await d.client.GET("/peers/{peer}/ports", { params: { path: { peer: "self" } } })).data!;
    assert.ok(ports.length > 0, "the mock driver lists devices");
    for (const op of gets) {
      const res = await fetch(d.baseUrl + op.path.replace("{port}", ports[0]!.port_uid));
      const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
      // An event stream never ends: its headers are the answer.
      await (type === "text/event-stream" ? res.body?.cancel() : res.arrayBuffer());
      assert.equal(res.status, 200, `${op.operationId} ${op.path}`);
      assert.ok(op.okTypes.includes(type), `${op.operationId}: ${type} is one of ${op.okTypes.join(", ")}`);
    }
  });

  it("GET /status reports version, uptime, driver and identity", async () => {
    const { data, response } = await d.client.GET("/status");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.ok(data);
    assert.deepEqual(Object.keys(data).sort(), ["driver", "peer_uid", "peer_uri", "started_at", "uptime_s", "version"]);
    assert.match(data.version, /^\d+\.\d+\.\d+/);
    assert.equal(typeof data.uptime_s, "number");
    assert.ok(data.uptime_s >= 0 && data.uptime_s < 600);
    assert.ok(!Number.isNaN(Date.parse(data.started_at)), data.started_at);
    assert.match(data.started_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    assert.equal(data.driver, "mock");
    assert.match(data.peer_uid, uidPattern);
    assert.equal(data.peer_uri, `/peers/${data.peer_uid}`);
    assert.ok(d.logs().includes(`peer ${data.peer_uid}`), "the log names the same peer");
  });

  it("GET /peers lists this daemon first", async () => {
    const status = (await d.client.GET("/status")).data!;
    const { data, response } = await d.client.GET("/peers");
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(data) && data.length >= 1);
    const self = data[0]!;
    assert.equal(self.is_self, true);
    assert.equal(self.peer_uid, status.peer_uid);
    assert.equal(self.peer_uri, status.peer_uri);
    assert.equal(self.version, status.version);
    for (const peer of data) checkPeerShape(peer);
    assert.equal(data.filter((p) => p.is_self).length, 1);
  });

  it("GET /peers/self and /peers/{uid} are the same peer", async () => {
    const self = await d.client.GET("/peers/{peer}", { params: { path: { peer: "self" } } });
    assert.equal(self.response.status, 200);
    checkPeerShape(self.data!);
    assert.equal(self.data!.is_self, true);
    const byUid = await d.client.GET("/peers/{peer}", { params: { path: { peer: self.data!.peer_uid } } });
    assert.equal(byUid.response.status, 200);
    assert.deepEqual(byUid.data, self.data);
  });

  it("PATCH /peers/{peer} changes the display name and answers the updated peer", async () => {
    const before = (await d.client.GET("/peers/{peer}", { params: { path: { peer: "self" } } })).data!;
    const name = "Studio PC — ünïcode ✓";
    const { data, response } = await d.client.PATCH("/peers/{peer}", {
      params: { path: { peer: "self" } },
      body: { display_name: name },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(data, { ...before, display_name: name });

    // By uid too; exactly 64 characters (not bytes) is the longest allowed.
    const longest = "é".repeat(64);
    const byUid = await d.client.PATCH("/peers/{peer}", {
      params: { path: { peer: before.peer_uid } },
      body: { display_name: longest },
    });
    assert.equal(byUid.response.status, 200);
    assert.equal(byUid.data!.display_name, longest);
    const list = (await d.client.GET("/peers")).data!;
    assert.equal(list.find((p) => p.is_self)!.display_name, longest);
    // Characters are code points, as JSON Schema's maxLength counts them.
    const astral = "🎧".repeat(64);
    const emoji = await d.client.PATCH("/peers/{peer}", { params: { path: { peer: "self" } }, body: { display_name: astral } });
    assert.equal(emoji.response.status, 200);
    assert.equal(emoji.data!.display_name, astral);
  });

  it("GET /peers/{peer}/ports lists ports (by self and by uid)", async () => {
    const self = await d.client.GET("/peers/{peer}/ports", { params: { path: { peer: "self" } } });
    assert.equal(self.response.status, 200);
    assert.equal(self.response.headers.get("content-type"), "application/json");
    assert.ok(Array.isArray(self.data));
    const uid = (await d.client.GET("/status")).data!.peer_uid;
    const byUid = await d.client.GET("/peers/{peer}/ports", { params: { path: { peer: uid } } });
    assert.equal(byUid.response.status, 200);
    assert.deepEqual(byUid.data, self.data);
    for (const port of self.data!) {
      assert.match(port.port_uid, uidPattern);
      assert.equal(port.port_uri, `/peers/${uid}/ports/${port.port_uid}`);
      assert.ok(["system_device", "virtual_device"].includes(port.port_type));
      assert.ok(["output", "input", "duplex"].includes(port.direction));
      assert.ok(["present", "absent"].includes(port.state));
    }
  });

  it("GET /streams lists streams", async () => {
    const { data, response } = await d.client.GET("/streams");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.ok(Array.isArray(data));
    for (const stream of data) {
      assert.match(stream.stream_uid, uidPattern);
      assert.equal(stream.stream_uri, `/streams/${stream.stream_uid}`);
    }
  });

  it("GET /openapi.yaml serves the repository's document", async () => {
    const { data, response } = await d.client.GET("/openapi.yaml", { parseAs: "text" });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/yaml/);
    // The client was generated from this very file: a stale copy in the
    // build would let spec and server drift apart unnoticed.
    assert.equal(data, readFileSync(openapiPath, "utf8"));
  });

  it("GET /openapi.json has the same content as the YAML", async () => {
    const { data: text } = await d.client.GET("/openapi.yaml", { parseAs: "text" });
    const json = await d.client.GET("/openapi.json");
    assert.equal(json.response.status, 200);
    assert.equal(json.response.headers.get("content-type"), "application/json");
    // JSON_SCHEMA: YAML 1.2 core types only (no dates), as the server resolves them.
    assert.deepEqual(json.data, yaml.load(text as unknown as string, { schema: yaml.JSON_SCHEMA }));
    const doc = json.data as { openapi: string; info: { version: string } };
    assert.equal(doc.openapi, "3.1.0");
    const status = (await d.client.GET("/status")).data!;
    assert.equal(doc.info.version, status.version, "the document describes this daemon's version");
  });

  it("the document has no stray keys (a null where a schema keyword's value belongs)", async () => {
    // An unquoted "a, b = c" in a YAML flow mapping silently becomes a key "b = c" with no value.
    const strays: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}/${i}`));
      else if (node !== null && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
          if (v === null && !["default", "const", "example"].includes(k)) strays.push(`${path}/${k}`);
          walk(v, `${path}/${k}`);
        }
      }
    };
    walk((await d.client.GET("/openapi.json")).data, "");
    assert.deepEqual(strays, []);
  });

  it("GET /docs is an HTML page that loads the Redoc bundle, which is served", async () => {
    const { data, response } = await d.client.GET("/docs", { parseAs: "text" });
    assert.equal(response.status, 200, "the Redoc bundle is installed in the build (web/docs)");
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
    const html = data as unknown as string;
    assert.match(html, /<!DOCTYPE html>/i);
    assert.match(html, /spec-url="\/openapi\.(json|yaml)"/);
    const script = html.match(/<script src="([^"]+)"/);
    assert.ok(script, "the page loads a script");
    const bundle = await fetch(new URL(script[1]!, d.baseUrl));
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get("content-type") ?? "", /javascript/);
    const js = await bundle.text();
    assert.ok(js.length > 100_000, `bundle is the real renderer (${js.length} bytes)`);
    assert.match(js, /redoc/i);
  });
});

function checkPeerShape(peer: Peer): void {
  // This daemon: its key and where it listens (the harness's --p2p-listen
  // 127.0.0.1:0); remote peers add trust and state (peers.test.ts).
  const keyed = peer.is_self ? ["fingerprint", "public_key", "version"] : ["trust", "state"];
  assert.deepEqual(
    Object.keys(peer)
      .filter((k) => !["last_seen", "protocol_version", "rtt_ms", "version", "public_key", "fingerprint"].includes(k) || peer.is_self)
      .sort(),
    [...keyed, "addresses", "display_name", "is_self", "peer_uid", "peer_uri"].sort(),
  );
  if (peer.is_self) {
    assert.equal(peer.public_key!.length, 40);
    assert.match(peer.fingerprint!, /^[0-9a-f]{4}(:[0-9a-f]{4}){7}$/);
    assert.equal(peer.addresses.length, 1);
    assert.match(peer.addresses[0]!, /^127\.0\.0\.1:[1-9][0-9]*$/);
  }
  assert.match(peer.peer_uid, uidPattern);
  assert.equal(peer.peer_uri, `/peers/${peer.peer_uid}`);
  assert.equal(typeof peer.display_name, "string");
  assert.equal(typeof peer.is_self, "boolean");
}
