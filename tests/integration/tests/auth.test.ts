// The bearer token: required with --require-token, kept secret, rotatable.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { runRocd, startDaemon, tempDir } from "../harness/daemon.js";
import { assertFetchProblem, assertProblem, httpRequest } from "../harness/http.js";
import { operations } from "../harness/spec.js";

const readToken = (stateDir: string) => readFileSync(join(stateDir, "api-token"), "utf8").trim();

describe("access token", () => {
  it("is created with mode 0600 and required with --require-token", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    // -vv: not even the most verbose log may show the token.
    const d = await startDaemon({ stateDir: state.path, args: ["--require-token", "-vv"] });
    try {
      const file = join(state.path, "api-token");
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const token = readToken(state.path);
      assert.ok(token.length >= 32, "a long random token");

      // Missing: 401 on every route, with a challenge.
      for (const call of [
        () => d.client.GET("/status"),
        () => d.client.GET("/peers"),
        () => d.client.GET("/peers/{peer}", { params: { path: { peer: "self" } } }),
        () => d.client.GET("/peers/{peer}/ports", { params: { path: { peer: "self" } } }),
        () => d.client.GET("/streams"),
        () => d.client.PATCH("/peers/{peer}", { params: { path: { peer: "self" } }, body: { display_name: "intruder" } }),
      ]) {
        const { error, response } = await call();
        await assertFetchProblem(response, error, { status: 401, type: "unauthorized" });
        assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
      }

      // Wrong: another token, a prefix of the right one, another scheme.
      for (const header of [`Bearer ${"0".repeat(token.length)}`, `Bearer ${token.slice(0, -1)}`, `Bearer ${token}x`, `Basic ${token}`, token]) {
        const { error, response } = await d.clientWith({ Authorization: header }).GET("/status");
        await assertFetchProblem(response, error, { status: 401, type: "unauthorized" });
      }

      // Right.
      const ok = d.clientWith({ Authorization: `Bearer ${token}` });
      assert.equal((await ok.GET("/status")).response.status, 200);
      const patch = await ok.PATCH("/peers/{peer}", { params: { path: { peer: "self" } }, body: { display_name: "owner" } });
      assert.equal(patch.response.status, 200);
      // The rejected PATCH above changed nothing; the accepted one did.
      assert.equal((await ok.GET("/peers/{peer}", { params: { path: { peer: "self" } } })).data!.display_name, "owner");

      const exit = await d.stop();
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.match(d.logs(), /rejected, missing bearer token/);
      assert.ok(!d.logs().includes(token), "the token never appears in the log");
      assert.ok(!d.logs().includes(token.slice(0, 16)), "not even in part");
    } finally {
      await d.stop();
    }
  });

  it("with a required token, every operation of the document answers (and documents) 401 without it", async () => {
    const d = await startDaemon({ args: ["--require-token"] });
    try {
      for (const op of operations()) {
        const res = await httpRequest(d.port, {
          method: op.method,
          path: op.path,
          headers: op.method === "GET" ? {} : { "Content-Type": "application/json" },
          ...(op.method === "GET" ? {} : { body: "{}" }),
        });
        if (op.open) {
          assert.equal(res.status, 200, `${op.method} ${op.path} is served without the token`);
          continue;
        }
        assert.equal(res.status, 401, `${op.method} ${op.path}`);
        assertProblem(res.headers["content-type"], JSON.parse(res.body), { status: 401, type: "unauthorized" });
        assert.ok(op.statuses.includes("401"), `${op.operationId} documents its 401`);
      }
    } finally {
      await d.stop();
    }
  });

  it("--rotate-token replaces it; the old one stops working", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    // First start creates the token (also without --require-token).
    const first = await startDaemon({ stateDir: state.path });
    assert.equal((await first.client.GET("/status")).response.status, 200, "loopback is open by default");
    await first.stop();
    const old = readToken(state.path);

    const rotated = await runRocd(["--rotate-token", "--state-dir", state.path]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout + rotated.stderr, /api-token/);
    assert.ok(!(rotated.stdout + rotated.stderr).includes(readToken(state.path)), "rotation does not print the token");
    const fresh = readToken(state.path);
    assert.notEqual(fresh, old);
    assert.equal(statSync(join(state.path, "api-token")).mode & 0o777, 0o600);

    const d = await startDaemon({ stateDir: state.path, args: ["--require-token"], token: fresh });
    try {
      assert.equal((await d.client.GET("/status")).response.status, 200);
      const stale = await d.clientWith({ Authorization: `Bearer ${old}` }).GET("/status");
      await assertFetchProblem(stale.response, stale.error, { status: 401, type: "unauthorized" });
      await d.stop();
      assert.ok(!d.logs().includes(fresh) && !d.logs().includes(old));
    } finally {
      await d.stop();
    }
  });

  it("a token file readable by others is refused at start-up", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    const first = await startDaemon({ stateDir: state.path });
    await first.stop();
    const { chmodSync } = await import("node:fs");
    chmodSync(join(state.path, "api-token"), 0o644);
    const run = await runRocd(["--listen", "127.0.0.1:0", "--driver", "mock", "--state-dir", state.path, "--require-token"]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /api-token/);
    assert.match(run.stderr, /600/);
    assert.ok(!run.stderr.includes(readToken(state.path)));
  });

  it("CORS preflight is answered without a token; the actual request still needs it", async () => {
    const origin = "http://admin.example";
    const d = await startDaemon({ args: ["--require-token", "--cors-origin", origin] });
    try {
      const preflight = await httpRequest(d.port, {
        method: "OPTIONS",
        path: "/peers/self",
        headers: { Origin: origin, "Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "authorization, content-type" },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers["access-control-allow-origin"], origin);
      assert.match(String(preflight.headers["access-control-allow-methods"]), /PATCH/);
      assert.match(String(preflight.headers["access-control-allow-headers"]), /authorization/i);
      assert.match(String(preflight.headers["access-control-allow-headers"]), /content-type/i);

      const noToken = await httpRequest(d.port, { path: "/status", headers: { Origin: origin } });
      assert.equal(noToken.status, 401);
      // The browser must be able to read the 401.
      assert.equal(noToken.headers["access-control-allow-origin"], origin);

      const token = readToken(d.stateDir!);
      const withToken = await httpRequest(d.port, { path: "/status", headers: { Origin: origin, Authorization: `Bearer ${token}` } });
      assert.equal(withToken.status, 200);
      assert.equal(withToken.headers["access-control-allow-origin"], origin);
    } finally {
      await d.stop();
    }
  });
});
