// A damaged or half-made state directory: rocd refuses it naming the file and
// what to do, writes nothing before it knows it can run, and
// `rocd --repair-state` rebuilds the database from what can still be read.
import assert from "node:assert/strict";
import { existsSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { runRocd, startDaemon, tempDir } from "../harness/daemon.js";

const self = { params: { path: { peer: "self" } } } as const;

/** Overwrites the database page holding `marker` with garbage. */
function scribbleOnPageWith(db: string, marker: string) {
  const bytes = readFileSync(db);
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const at = bytes.indexOf(marker);
  assert.ok(at > 0, `${marker} is in ${db}`);
  const page = Math.floor(at / pageSize);
  assert.ok(page > 0, "not the schema page");
  const garbage = Buffer.alloc(pageSize, 0xa5);
  const fd = openSync(db, "r+");
  try {
    writeSync(fd, garbage, 0, pageSize, page * pageSize);
  } finally {
    closeSync(fd);
  }
}

describe("damaged state", () => {
  it("a start that fails on a taken port writes nothing to the state directory", async (t) => {
    const first = await startDaemon();
    t.after(() => first.stop());
    const scratch = tempDir();
    t.after(() => scratch.remove());
    const state = join(scratch.path, "state");
    const second = await runRocd(["--listen", `127.0.0.1:${first.port}`, "--driver", "mock", "--state-dir", state]);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /in use|address/i);
    assert.equal(existsSync(state), false, `no state directory made: ${second.stderr}`);
  });

  it("a zero-length rocd.db is refused, naming the file, and left as it is", async (t) => {
    const scratch = tempDir();
    t.after(() => scratch.remove());
    const state = join(scratch.path, "state");
    const d = await startDaemon({ stateDir: state });
    await d.stop();
    const db = join(state, "rocd.db");
    truncateSync(db, 0);
    const run = await runRocd(["--listen", "127.0.0.1:0", "--driver", "mock", "--state-dir", state]);
    assert.notEqual(run.code, 0);
    assert.ok(run.stderr.includes(db), `names the file: ${run.stderr}`);
    assert.match(run.stderr, /empty \(0 bytes\)/);
    assert.match(run.stderr, /--repair-state/);
    assert.doesNotMatch(run.stderr, /listening on/);
    assert.equal(statSync(db).size, 0, "untouched");
  });

  it("--repair-state rebuilds a database with a damaged page; the peer uid survives", async (t) => {
    const scratch = tempDir();
    t.after(() => scratch.remove());
    const state = join(scratch.path, "state");
    let d = await startDaemon({ stateDir: state });
    const peerUid = (await d.client.GET("/status")).data!.peer_uid;
    const made = await d.client.POST("/peers/{peer}/ports", {
      ...self,
      body: { port_type: "virtual_device", direction: "output", display_name: "MARKER-speaker-7f3a", channels: 2, rate: 48000 },
    });
    assert.equal(made.response.status, 201);
    await d.stop();

    const db = join(state, "rocd.db");
    scribbleOnPageWith(db, "MARKER-speaker-7f3a");
    const refused = await runRocd(["--listen", "127.0.0.1:0", "--driver", "mock", "--state-dir", state]);
    assert.notEqual(refused.code, 0);
    assert.ok(refused.stderr.includes(`${db} is damaged`), refused.stderr);
    assert.match(refused.stderr, /rocd --repair-state/);

    const repair = await runRocd(["--repair-state", "--state-dir", state]);
    assert.equal(repair.code, 0, repair.stderr);
    assert.match(repair.stdout, /the damaged file is kept as .*rocd\.db\.damaged-/);
    assert.match(repair.stdout, /peers\s+1 row\(s\) kept/);
    assert.doesNotMatch(repair.stdout, /new peer uid/);
    assert.ok(readdirSync(state).some((name) => name.startsWith("rocd.db.damaged-")));

    d = await startDaemon({ stateDir: state, args: ["--integrity-check"] });
    try {
      assert.equal((await d.client.GET("/status")).data!.peer_uid, peerUid, "same identity");
      const ports = (await d.client.GET("/peers/{peer}/ports", self)).data!;
      assert.equal(ports.some((p) => p.display_name === "MARKER-speaker-7f3a"), false, "its page was lost");
    } finally {
      await d.stop();
    }
  });

  it("--repair-state on a state directory in use is refused", async (t) => {
    const d = await startDaemon();
    t.after(() => d.stop());
    const repair = await runRocd(["--repair-state", "--state-dir", d.stateDir!]);
    assert.notEqual(repair.code, 0);
    assert.match(repair.stderr, /in use by another rocd/);
  });
});
