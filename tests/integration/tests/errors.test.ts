// Every error class is an RFC 9457 problem with a stable type, a bad request
// changes nothing, and the daemon keeps serving after each one.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";

import { startDaemon, type Daemon } from "../harness/daemon.js";
import { assertFetchProblem, assertProblem, httpRequest, parseRawResponse, rawExchange } from "../harness/http.js";

const self = { params: { path: { peer: "self" } } } as const;

describe("errors", () => {
  let d: Daemon;
  let name: string;
  before(async () => {
    d = await startDaemon();
    name = "before any bad request";
    const { response } = await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: name } });
    assert.equal(response.status, 200);
  });
  afterEach(async () => {
    // Still serving, and nothing half-written.
    const { data, response } = await d.client.GET("/peers/{peer}", self);
    assert.equal(response.status, 200);
    assert.equal(data!.display_name, name);
  });
  after(async () => {
    const exit = await d.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, d.logs());
    assert.doesNotMatch(d.logs(), /\b(critical|error)\b/i, "no bad request is logged as a daemon error");
  });

  // Body bytes sent as-is; the generated client still types the answer.
  const patchRaw = (body: string, contentType = "application/json") =>
    d.client.PATCH("/peers/{peer}", {
      ...self,
      body: {},
      bodySerializer: () => body,
      headers: { "Content-Type": contentType },
    });

  describe("400 bad request", () => {
    it("invalid JSON", async () => {
      for (const body of ["{", '{"display_name": "x",}', "", "nul", '{"display_name": "x"} trailing']) {
        const { error, response } = await patchRaw(body);
        await assertFetchProblem(response, error, { status: 400, type: "invalid-json" });
      }
    });

    it("a JSON body that is not an object", async () => {
      for (const body of ["[]", '"display_name"', "42", "null"]) {
        const { error, response } = await patchRaw(body);
        await assertFetchProblem(response, error, { status: 400, type: "invalid-json" });
      }
    });

    it("an unknown field, named in `field`", async () => {
      const { error, response } = await patchRaw('{"display_name": "ok", "colour": "red"}');
      await assertFetchProblem(response, error, { status: 400, type: "invalid-field", field: "colour" });
    });

    it("an empty object changes nothing", async () => {
      const { error, response } = await d.client.PATCH("/peers/{peer}", { ...self, body: {} });
      await assertFetchProblem(response, error, { status: 400, type: "invalid-field" });
    });

    it("a wrong type, naming the field", async () => {
      for (const value of ["5", "true", "null", '["x"]', '{"a": 1}']) {
        const { error, response } = await patchRaw(`{"display_name": ${value}}`);
        await assertFetchProblem(response, error, { status: 400, type: "invalid-field", field: "display_name" });
      }
    });

    it("a name that is only white space, or hides what it says (bidi overrides, invisible characters)", async () => {
      const bad = ["   ", "\u00a0\u3000", "speaker\u202egnp.exe", "\u2066x\u2069", "Kit\u200bchen", "\ufeffname", "sp\u00adeaker", "a\u2028b"];
      for (const value of bad) {
        const { error, response } = await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: value } });
        await assertFetchProblem(response, error, { status: 400, type: "invalid-field", field: "display_name" });
      }
    });

    it("a key given twice, named in `field` (at any depth)", async () => {
      const { error, response } = await patchRaw('{"display_name": "one", "display_name": "two"}');
      await assertFetchProblem(response, error, { status: 400, type: "invalid-json", field: "display_name" });
      const nested = await d.client.POST("/streams", {
        body: {} as never,
        bodySerializer: () => '{"source": {"type": "port", "port_uri": "/peers/self/ports/x", "type": "address"}}',
        headers: { "Content-Type": "application/json" },
      });
      await assertFetchProblem(nested.response, nested.error, { status: 400, type: "invalid-json", field: "source.type" });
    });

    it("an invalid value: empty, longer than 64 characters, control characters", async () => {
      const bad = ["", "x".repeat(65), "é".repeat(65), "🎧".repeat(65), "c1\u0085control", "a\u0007b", "line\nbreak", "tab\there", "nul\u0000", "del\u007f"];
      for (const value of bad) {
        const { error, response } = await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: value } });
        await assertFetchProblem(response, error, { status: 400, type: "invalid-field", field: "display_name" });
      }
    });

    it("invalid UTF-8 in a string", async () => {
      const { error, response } = await d.client.PATCH("/peers/{peer}", {
        ...self,
        body: {},
        bodySerializer: () => Buffer.from([...Buffer.from('{"display_name": "'), 0xff, 0xfe, ...Buffer.from('"}')]) as never,
        headers: { "Content-Type": "application/json" },
      });
      await assertFetchProblem(response, error, { status: 400, type: "invalid-json" });
    });

    it("a malformed peer in the path is a 400 naming `peer`", async () => {
      for (const peer of ["not-a-uid", "ABCDEF-GHIJKL-MNOPQR", "abcdef-ghijkl", "abcdef-ghijkl-mnopqr-stuvwx", "self2", "%00"]) {
        const get = await d.client.GET("/peers/{peer}", { params: { path: { peer } } });
        await assertFetchProblem(get.response, get.error, { status: 400, type: "invalid-field", field: "peer" });
        const ports = await d.client.GET("/peers/{peer}/ports", { params: { path: { peer } } });
        await assertFetchProblem(ports.response, ports.error, { status: 400, type: "invalid-field", field: "peer" });
        const patch = await d.client.PATCH("/peers/{peer}", { params: { path: { peer } }, body: { display_name: "x" } });
        await assertFetchProblem(patch.response, patch.error, { status: 400, type: "invalid-field", field: "peer" });
      }
    });

    it("a malformed HTTP request", async () => {
      const { data, closed } = await rawExchange(d.port, ["THIS IS NOT HTTP\r\n\r\n"]);
      assert.ok(closed, "the connection is closed after a framing error");
      const res = parseRawResponse(data);
      assert.equal(res.status, 400);
      assertProblem(res.headers.get("content-type"), JSON.parse(res.body), { status: 400, type: "malformed-request" });
    });
  });

  describe("404 not found", () => {
    it("an unknown peer uid", async () => {
      for (const peer of ["aaaaaa-bbbbbb-cccccc", "000000-000000-000000"]) {
        const get = await d.client.GET("/peers/{peer}", { params: { path: { peer } } });
        await assertFetchProblem(get.response, get.error, { status: 404, type: "not-found" });
        const ports = await d.client.GET("/peers/{peer}/ports", { params: { path: { peer } } });
        await assertFetchProblem(ports.response, ports.error, { status: 404, type: "not-found" });
        const patch = await d.client.PATCH("/peers/{peer}", { params: { path: { peer } }, body: { display_name: "x" } });
        await assertFetchProblem(patch.response, patch.error, { status: 404, type: "not-found" });
      }
    });

    it("an unknown path", async () => {
      for (const path of ["/nope", "/peers/", "/status/", "//status", "/peers/self/ports/", "/peers/self/nothing", "/streams/x/y"]) {
        const res = await fetch(d.baseUrl + path);
        await assertFetchProblem(res, await res.json(), { status: 404, type: "not-found" });
      }
    });
  });

  it("HEAD answers like GET without a body", async () => {
    for (const path of ["/peers/self", "/openapi.yaml", "/openapi.json"]) {
      const get = await fetch(d.baseUrl + path);
      const getBody = await get.arrayBuffer();
      const head = await fetch(d.baseUrl + path, { method: "HEAD" });
      assert.equal(head.status, 200, path);
      assert.equal(head.headers.get("content-type"), get.headers.get("content-type"), path);
      assert.equal(Number(head.headers.get("content-length")), getBody.byteLength, path);
      assert.equal((await head.arrayBuffer()).byteLength, 0, path);
    }
  });

  it("405 with Allow for a method a resource does not have", async () => {
    const cases: Array<[string, string, string]> = [
      ["DELETE", "/status", "GET, HEAD"],
      ["PUT", "/peers", "GET, HEAD, POST"],
      ["PUT", "/peers/self", "DELETE, GET, HEAD, PATCH"],
      ["PATCH", "/streams", "GET, HEAD, POST"],
      ["POST", "/openapi.yaml", "GET, HEAD"],
      ["POST", "/events", "GET"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(d.baseUrl + path, { method, headers: { "Content-Type": "application/json" }, body: "{}" });
      await assertFetchProblem(res, await res.json(), { status: 405, type: "method-not-allowed" });
      const got = (res.headers.get("allow") ?? "").split(",").map((s) => s.trim()).sort();
      assert.deepEqual(got, allow.split(", ").sort(), `${method} ${path}`);
    }
  });

  describe("413 payload too large", () => {
    it("a declared body over 1 MiB is refused before it is read", async () => {
      const { data, closed } = await rawExchange(d.port, [
        "PATCH /peers/self HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1048577\r\n\r\n",
      ]);
      assert.ok(closed);
      const res = parseRawResponse(data);
      assertProblem(res.headers.get("content-type"), JSON.parse(res.body), { status: 413, type: "payload-too-large" });
    });

    it("a chunked body that grows over 1 MiB", async () => {
      const chunk = Buffer.alloc(64 * 1024, "a");
      const chunks: Buffer[] = [Buffer.from("PATCH /peers/self HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")];
      for (let i = 0; i < 17; i++) chunks.push(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]));
      const { data, closed } = await rawExchange(d.port, chunks, { gapMs: 5 });
      assert.ok(closed);
      const res = parseRawResponse(data);
      assertProblem(res.headers.get("content-type"), JSON.parse(res.body), { status: 413, type: "payload-too-large" });
    });

    it("a client that sends a large body anyway still gets the 413 (the daemon reads and drops the rest)", async () => {
      for (const size of [1024 * 1024 + 1, 8 * 1024 * 1024]) {
        const { error, response } = await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: "x".repeat(size) } });
        await assertFetchProblem(response, error, { status: 413, type: "payload-too-large" });
      }
    });

    it("exactly 1 MiB is read (and rejected only for its content)", async () => {
      const filler = "x".repeat(1024 * 1024 - '{"display_name":"ok","pad":""}'.length);
      const body = `{"display_name":"ok","pad":"${filler}"}`;
      assert.equal(Buffer.byteLength(body), 1024 * 1024);
      const { error, response } = await patchRaw(body);
      await assertFetchProblem(response, error, { status: 400, type: "invalid-field", field: "pad" });
    });
  });

  it("415 for a body that is not application/json", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "application/problem+json"]) {
      const { error, response } = await patchRaw('{"display_name": "sneaky"}', type);
      await assertFetchProblem(response, error, { status: 415, type: "unsupported-media-type" });
    }
    // No content type at all.
    const res = await httpRequest(d.port, { method: "PATCH", path: "/peers/self", body: '{"display_name": "sneaky"}' });
    assert.equal(res.status, 415);
    assertProblem(res.headers["content-type"], JSON.parse(res.body), { status: 415, type: "unsupported-media-type" });
    // Parameters and case do not matter.
    const ok = await patchRaw(JSON.stringify({ display_name: name }), "Application/JSON; charset=utf-8");
    assert.equal(ok.response.status, 200);
  });

  it("many bad requests in a row do not disturb the daemon", async () => {
    const bad = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? patchRaw("{")
          : i % 4 === 1
            ? rawExchange(d.port, ["\x00\x01\x02 garbage\r\n\r\n"])
            : i % 4 === 2
              ? fetch(d.baseUrl + "/peers/zzz")
              : patchRaw('{"display_name": 1}'),
      ),
    );
    assert.equal(bad.length, 40);
    const { response } = await d.client.GET("/status");
    assert.equal(response.status, 200);
  });
});
