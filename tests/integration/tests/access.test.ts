// Who an open API serves: loopback is decided from the bound socket, and
// on an open loopback API a page of another site (DNS rebinding: its name
// now points at 127.0.0.1) can neither pass its own Host nor change state.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { startDaemon } from "../harness/daemon.js";
import { assertProblem, parseRawResponse, rawExchange } from "../harness/http.js";

const self = { params: { path: { peer: "self" } } } as const;

describe("access to an open loopback API", () => {
  it("answers only Host names of loopback", async () => {
    const d = await startDaemon();
    try {
      for (const host of ["evil.example", `evil.example:${d.port}`, "127.0.0.1.evil.example", "2130706433"]) {
        const x = await rawExchange(d.port, [`GET /status HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`]);
        const res = parseRawResponse(x.data);
        assert.equal(res.status, 403, host);
        assertProblem(res.headers.get("content-type"), JSON.parse(res.body), { status: 403, type: "forbidden-host" });
      }
      for (const host of [`localhost:${d.port}`, `127.0.0.1:${d.port}`, "127.0.0.1"]) {
        const x = await rawExchange(d.port, [`GET /status HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`]);
        assert.equal(parseRawResponse(x.data).status, 200, host);
      }
      assert.match(d.logs(), /rejected, Host is not a loopback name/);
    } finally {
      await d.stop();
    }
  });

  it("logs a few refusals, not one line per hostile request", async () => {
    const d = await startDaemon();
    try {
      const requests = Array.from({ length: 40 }, () => "GET /status HTTP/1.1\r\nHost: evil.example\r\n\r\n");
      const x = await rawExchange(d.port, [...requests, "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"]);
      assert.equal((x.data.match(/HTTP\/1\.1 403/g) ?? []).length, 40);
      const lines = d.logs().split("\n").filter((line) => line.includes("rejected, Host is not a loopback name"));
      assert.ok(lines.length >= 1 && lines.length <= 5, `${lines.length} lines for 40 refusals`);
    } finally {
      await d.stop();
    }
  });

  it("refuses state changes from a foreign origin, and nothing changes", async () => {
    const d = await startDaemon({ args: ["--cors-origin", "http://admin.example"] });
    try {
      const before = (await d.client.GET("/peers/{peer}", self)).data!.display_name;
      for (const origin of ["http://evil.example", "null", `http://localhost:${d.port + 1}`]) {
        const res = await d.clientWith({ Origin: origin }).PATCH("/peers/{peer}", { ...self, body: { display_name: "pwned" } });
        assert.equal(res.response.status, 403, origin);
        assertProblem(res.response.headers.get("content-type"), res.error, { status: 403, type: "forbidden-origin" });
      }
      assert.equal((await d.client.GET("/peers/{peer}", self)).data!.display_name, before);
      // Reading is allowed (the browser keeps the answer from a foreign page
      // without CORS); the same origin and an allowed one may change.
      assert.equal((await d.clientWith({ Origin: "http://evil.example" }).GET("/status")).response.status, 200);
      for (const origin of [d.baseUrl, "http://admin.example"]) {
        const ok = await d.clientWith({ Origin: origin }).PATCH("/peers/{peer}", { ...self, body: { display_name: "renamed" } });
        assert.equal(ok.response.status, 200, origin);
      }
    } finally {
      await d.stop();
    }
  });

  it("is not open on a non-loopback address: the token is required there", async () => {
    // Bound to every interface; the test only connects through loopback.
    const d = await startDaemon({ listen: false, args: ["--listen", "0.0.0.0:0"] });
    try {
      const x = await rawExchange(d.port, ["GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"]);
      assert.equal(parseRawResponse(x.data).status, 401);
      assert.match(d.logs(), /API requires 'Authorization: Bearer <token>'/);
    } finally {
      await d.stop();
    }
  });
});
