// Start, stop, crash and restart: what the daemon promises about its process
// and its state directory.
import assert from "node:assert/strict";
import { chmodSync, statSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";

import { runRocd, startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { parseRawResponse, sleep } from "../harness/http.js";

const self = { params: { path: { peer: "self" } } } as const;

/** Sends `signal` and measures how long the process takes to exit. */
async function timedStop(d: Daemon, signal: NodeJS.Signals = "SIGTERM") {
  const t0 = Date.now();
  d.signal(signal);
  const exit = await d.exited;
  const elapsedMs = Date.now() - t0;
  await d.stop(); // cleans up
  return { exit, elapsedMs };
}

describe("process lifecycle", () => {
  it("--version prints the version and exits 0", async () => {
    const run = await runRocd(["--version"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^rocd \d+\.\d+\.\d+\S*\s*$/);
    const d = await startDaemon();
    try {
      const status = (await d.client.GET("/status")).data!;
      assert.equal(run.stdout.trim(), `rocd ${status.version}`);
    } finally {
      await d.stop();
    }
  });

  it("SIGTERM and SIGINT: exit code 0 within 2 s, also with an idle keep-alive connection", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const d = await startDaemon();
      const idle = net.connect({ host: "127.0.0.1", port: d.port });
      await new Promise((r) => idle.once("connect", r));
      idle.write("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await new Promise((r) => idle.once("data", r));
      const { exit, elapsedMs } = await timedStop(d, signal);
      idle.destroy();
      assert.deepEqual(exit, { code: 0, signal: null }, d.logs());
      assert.ok(elapsedMs < 2000, `${signal}: exited after ${elapsedMs} ms`);
      assert.match(d.logs(), new RegExp(`received ${signal}, stopping`));
      assert.match(d.logs(), /stopped/);
    }
  });

  it("SIGTERM lets an in-flight slow request finish, then exits 0 within 2 s", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    const d = await startDaemon({ stateDir: state.path });
    const body = JSON.stringify({ display_name: "finished while stopping" });
    const socket = net.connect({ host: "127.0.0.1", port: d.port });
    await new Promise((r) => socket.once("connect", r));
    let answer = "";
    socket.on("data", (c: Buffer) => (answer += c.toString("utf8")));
    const closed = new Promise((r) => socket.once("close", r));
    socket.write(
      `PATCH /peers/self HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await sleep(150); // the daemon is now reading this request

    const t0 = Date.now();
    d.signal("SIGTERM");
    await d.waitForLog(/received SIGTERM/);
    socket.write(body.slice(5));
    await closed;
    const exit = await d.exited;
    const elapsedMs = Date.now() - t0;
    await d.stop();

    const res = parseRawResponse(answer);
    assert.equal(res.status, 200, answer);
    assert.equal(res.headers.get("connection"), "close", "the daemon says it closes");
    assert.equal(JSON.parse(res.body).display_name, "finished while stopping");
    assert.deepEqual(exit, { code: 0, signal: null }, d.logs());
    assert.ok(elapsedMs < 2000, `exited after ${elapsedMs} ms`);

    const again = await startDaemon({ stateDir: state.path });
    try {
      assert.equal((await again.client.GET("/peers/{peer}", self)).data!.display_name, "finished while stopping");
    } finally {
      await again.stop();
    }
  });

  it("SIGTERM with a request that never completes still exits 0 within 2 s", async () => {
    const d = await startDaemon();
    const stuck = net.connect({ host: "127.0.0.1", port: d.port });
    await new Promise((r) => stuck.once("connect", r));
    stuck.on("error", () => {});
    stuck.write("PATCH /peers/self HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    await sleep(150);
    const { exit, elapsedMs } = await timedStop(d);
    stuck.destroy();
    assert.deepEqual(exit, { code: 0, signal: null }, d.logs());
    assert.ok(elapsedMs < 2000, `exited after ${elapsedMs} ms`);
  });

  it("the peer uid persists across restarts, clean or kill -9", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    const uids: string[] = [];
    for (const end of ["stop", "kill9", "stop"] as const) {
      const d = await startDaemon({ stateDir: state.path });
      uids.push((await d.client.GET("/status")).data!.peer_uid);
      await (end === "stop" ? d.stop() : d.kill9());
    }
    assert.equal(new Set(uids).size, 1, uids.join(" "));
    // Another state directory is another peer.
    const other = await startDaemon();
    try {
      assert.notEqual((await other.client.GET("/status")).data!.peer_uid, uids[0]);
    } finally {
      await other.stop();
    }
  });

  it("a PATCH acknowledged with 200 survives a restart and a kill -9 right after it", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    let d = await startDaemon({ stateDir: state.path });
    const { response } = await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: "clean restart" } });
    assert.equal(response.status, 200);
    await d.stop();

    d = await startDaemon({ stateDir: state.path });
    assert.equal((await d.client.GET("/peers/{peer}", self)).data!.display_name, "clean restart");
    for (let i = 0; i < 3; i++) {
      const name = `crash ${i}`;
      const patch = await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: name } });
      assert.equal(patch.response.status, 200);
      const exit = await d.kill9(); // acknowledged = durable
      assert.equal(exit.signal, "SIGKILL");
      d = await startDaemon({ stateDir: state.path });
      const peer = (await d.client.GET("/peers/{peer}", self)).data!;
      assert.equal(peer.display_name, name, `after kill -9 #${i}`);
      const listed = (await d.client.GET("/peers")).data!;
      assert.equal(listed.find((p) => p.is_self)!.display_name, name);
    }
    await d.stop();
  });

  it("the peer key is made at the first start, private, and kept across a restart and a kill -9", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    let d = await startDaemon({ stateDir: state.path });
    const first = (await d.client.GET("/peers/{peer}", self)).data!;
    assert.equal(first.public_key!.length, 40);
    assert.equal(statSync(join(state.path, "p2p-key")).mode & 0o777, 0o600);
    await d.stop();
    d = await startDaemon({ stateDir: state.path });
    const again = (await d.client.GET("/peers/{peer}", self)).data!;
    assert.equal(again.public_key, first.public_key);
    assert.equal(again.fingerprint, first.fingerprint);
    await d.kill9();
    d = await startDaemon({ stateDir: state.path });
    assert.equal((await d.client.GET("/peers/{peer}", self)).data!.fingerprint, first.fingerprint);
    await d.stop();

    // A key file others can read stops start-up, naming it.
    chmodSync(join(state.path, "p2p-key"), 0o644);
    const refused = await runRocd(["--driver", "mock", "--listen", "127.0.0.1:0", "--state-dir", state.path]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /p2p-key is accessible to other users \(mode 644\)/);
  });

  it("concurrent PATCHes: all answered, one winner, and it is what a crash leaves", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    let d = await startDaemon({ stateDir: state.path });
    const names = Array.from({ length: 30 }, (_, i) => `writer ${i}`);
    const answers = await Promise.all(
      names.map((name) => d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: name } })),
    );
    for (const [i, a] of answers.entries()) {
      assert.equal(a.response.status, 200);
      assert.equal(a.data!.display_name, names[i]);
    }
    const winner = (await d.client.GET("/peers/{peer}", self)).data!.display_name;
    assert.ok(names.includes(winner), winner);
    await d.kill9();
    d = await startDaemon({ stateDir: state.path });
    try {
      assert.equal((await d.client.GET("/peers/{peer}", self)).data!.display_name, winner);
    } finally {
      await d.stop();
    }
  });

  it("a second daemon on the same state directory exits non-zero, naming the directory", async () => {
    const first = await startDaemon();
    try {
      const second = await runRocd(["--listen", "127.0.0.1:0", "--driver", "mock", "--state-dir", first.stateDir!]);
      assert.notEqual(second.code, 0);
      assert.equal(second.signal, null);
      assert.ok(second.stderr.includes(first.stateDir!), `names the directory: ${second.stderr}`);
      assert.match(second.stderr, new RegExp(`in use by another rocd \\(pid ${first.pid}\\)`), "and who holds it");
      assert.doesNotMatch(second.stderr, /listening on/);
      // The first one is undisturbed.
      assert.equal((await first.client.GET("/status")).response.status, 200);
    } finally {
      assert.deepEqual(await first.stop(), { code: 0, signal: null });
    }
  });

  it("--log-format json writes one JSON object per line", async () => {
    const d = await startDaemon({ args: ["--log-format", "json"] });
    await d.client.GET("/status");
    await d.client.GET("/peers/{peer}", { params: { path: { peer: "zzz" } } });
    await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: 'quote " and \\ and \u00e9' } });
    await d.waitForLog(/PATCH \/peers\/self -> 200/);
    await d.stop();
    const lines = d.logs().split("\n").filter((l) => l.length > 0);
    assert.ok(lines.length >= 5, d.logs());
    for (const line of lines) {
      let entry: unknown;
      assert.doesNotThrow(() => (entry = JSON.parse(line)), line);
      assert.ok(entry !== null && typeof entry === "object" && !Array.isArray(entry), line);
      const e = entry as Record<string, unknown>;
      assert.equal(typeof e.msg, "string", line);
      assert.equal(typeof e.level, "string", line);
      assert.ok(!Number.isNaN(Date.parse(String(e.time))), line);
    }
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.ok(messages.some((m) => m.startsWith("rocd ") && m.includes("listening on http://127.0.0.1:")));
    assert.ok(messages.some((m) => m.includes("GET /peers/zzz -> 400")));
    assert.ok(messages.includes("stopped"));
  });
});
