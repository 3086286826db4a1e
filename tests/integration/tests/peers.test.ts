// Two daemons on loopback speak the peer protocol: a static peer is dialed
// and both discover each other, a person pairs them with the code one
// shows and the other is told, the trust survives a restart, and a
// revoked peer is cut off. Real ZeroMQ + CURVE sockets, ephemeral ports.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { runRocd, startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { sleep } from "../harness/http.js";
import { runRocctl } from "../harness/rocctl.js";
import { EventClient } from "../harness/sse.js";

type PeerJson = {
  peer_uid: string;
  trust?: string;
  state?: string;
  addresses: string[];
  public_key?: string;
  fingerprint?: string;
};

async function self(d: Daemon): Promise<PeerJson> {
  return (await (await fetch(`${d.baseUrl}/peers/self`)).json()) as PeerJson;
}

async function peerOn(d: Daemon, uid: string): Promise<PeerJson | undefined> {
  const res = await fetch(`${d.baseUrl}/peers/${uid}`);
  return res.status === 200 ? ((await res.json()) as PeerJson) : undefined;
}

/** Polls until `check` holds for the peer `uid` as `d` shows it (10 s at most). */
async function until(d: Daemon, uid: string, check: (p: PeerJson | undefined) => boolean, what: string) {
  let last: PeerJson | undefined;
  for (let i = 0; i < 100; i++) {
    last = await peerOn(d, uid);
    if (check(last)) return last!;
    await sleep(100);
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

async function post(d: Daemon, path: string, body?: unknown) {
  const res = await fetch(`${d.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("peers", () => {
  it("discover, pair with the code, keep the trust across a restart, and revoke", async () => {
    const stateA = tempDir();
    const b = await startDaemon();
    let a: Daemon | undefined;
    try {
      const bSelf = await self(b);
      assert.equal(bSelf.addresses.length, 1);
      const config = `peers:\n  - address: ${bSelf.addresses[0]}\n    public_key: "${bSelf.public_key}"\n`;
      a = await startDaemon({ stateDir: stateA.path, config });
      const aSelf = await self(a);

      // Both sides know each other, untrusted, online.
      const bOnA = await until(a, bSelf.peer_uid, (p) => p?.state === "online", "B online on A");
      assert.equal(bOnA.trust, "discovered");
      assert.equal(bOnA.fingerprint, bSelf.fingerprint);
      const aOnB = await until(b, aSelf.peer_uid, (p) => p?.state === "online", "A online on B");
      assert.equal(aOnB.trust, "discovered");
      assert.deepEqual(aOnB.addresses, aSelf.addresses, "B dialed back where A listens");

      // A starts; only A shows the code.
      const started = await post(a, `/peers/${bSelf.peer_uid}/pairing`);
      assert.equal(started.status, 201, JSON.stringify(started.body));
      assert.match(String(started.body.code), /^[0-9]{6}$/);
      assert.equal(started.body.direction, "outgoing");
      const asked = (await (await fetch(`${b.baseUrl}/peers/${aSelf.peer_uid}/pairing`)).json()) as Record<string, unknown>;
      assert.equal(asked.direction, "incoming");
      assert.equal(asked.code, undefined, "B never gives the code out (§10.4)");
      assert.equal((await peerOn(b, aSelf.peer_uid))!.trust, "pairing");
      // A second start while one is open is refused; a malformed code changes nothing.
      assert.equal((await post(a, `/peers/${bSelf.peer_uid}/pairing`)).status, 409);
      const malformed = await post(b, `/peers/${aSelf.peer_uid}/pairing/confirm`, { code: 229911 });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.field, "code");

      // The person types A's code on B.
      const confirmed = await post(b, `/peers/${aSelf.peer_uid}/pairing/confirm`, { code: started.body.code });
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.trust, "trusted");
      await until(a, bSelf.peer_uid, (p) => p?.trust === "trusted", "B trusted on A");
      assert.equal((await fetch(`${a.baseUrl}/peers/${bSelf.peer_uid}/pairing`)).status, 404);

      // Trusted: A mirrors B's ports (snapshot, then every change).
      const portsOf = async (d: Daemon, peer: string) => {
        const res = await fetch(`${d.baseUrl}/peers/${peer}/ports`);
        return { age: res.headers.get("age"), ports: (await res.json()) as Array<Record<string, unknown>> };
      };
      const byUid = (ports: Array<Record<string, unknown>>) =>
        [...ports].sort((x, y) => String(x.port_uid).localeCompare(String(y.port_uid)));
      const bPorts = (await portsOf(b, "self")).ports;
      assert.ok(bPorts.length > 0);
      const aNow: Daemon = a;
      let mirrored = await portsOf(aNow, bSelf.peer_uid);
      for (let i = 0; i < 50 && mirrored.ports.length !== bPorts.length; i++) {
        await sleep(100);
        mirrored = await portsOf(aNow, bSelf.peer_uid);
      }
      assert.deepEqual(byUid(mirrored.ports), byUid(bPorts), "A's mirror is B's list");
      assert.match(String(mirrored.age), /^[0-9]+$/, "answered with the mirror's age");
      const events = await EventClient.subscribed(aNow, `?uri=/peers/${bSelf.peer_uid}`);
      const created = await post(b, "/peers/self/ports", { direction: "output", display_name: "Shared speaker", channels: 2, rate: 48000 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      // The change reaches A's event stream as a port_added of B's port.
      const added = await events.waitForData("port_added", (p) => p.port_uid === created.body.port_uid);
      assert.equal(added.port_uri, `/peers/${bSelf.peer_uid}/ports/${created.body.port_uid}`);
      events.close();
      const seen = async () => (await portsOf(aNow, bSelf.peer_uid)).ports.some((p) => p.port_uid === created.body.port_uid);
      for (let i = 0; i < 50 && !(await seen()); i++) await sleep(100);
      assert.ok(await seen(), "a port B made reaches A's mirror");
      const one = await fetch(`${a.baseUrl}/peers/${bSelf.peer_uid}/ports/${created.body.port_uid}`);
      assert.equal(one.status, 200);
      assert.equal(((await one.json()) as Record<string, unknown>).display_name, "Shared speaker");

      // The trust is stored: A restarts on its state and dials B again.
      await a.stop();
      a = await startDaemon({ stateDir: stateA.path });
      const again = await until(a, bSelf.peer_uid, (p) => p?.trust === "trusted" && p?.state === "online", "B back");
      assert.equal(again.public_key, bSelf.public_key);
      // Trusted: its pings are answered, and their round trip shown.
      const timed = await until(a, bSelf.peer_uid, (p) => typeof (p as { rtt_ms?: number })?.rtt_ms === "number", "rtt");
      assert.ok((timed as { rtt_ms?: number }).rtt_ms! >= 0);

      // B revokes A: stored as revoked, and A's key can no longer connect
      // to B (ZAP refuses it; libzmq cannot close a connection already up,
      // so A is restarted to make a new one).
      const revoked = await fetch(`${b.baseUrl}/peers/${aSelf.peer_uid}`, { method: "DELETE" });
      assert.equal(revoked.status, 200);
      assert.equal(((await revoked.json()) as PeerJson).trust, "revoked");
      await a.stop();
      a = await startDaemon({ stateDir: stateA.path });
      await sleep(3000);
      const refused = await peerOn(a, bSelf.peer_uid);
      assert.equal(refused!.trust, "trusted", "A's own trust is A's");
      assert.equal(refused!.state, "offline", "B's ROUTER refuses A's key");
      assert.equal((await peerOn(b, aSelf.peer_uid))!.trust, "revoked");
      assert.equal((await fetch(`${b.baseUrl}/peers/self`, { method: "DELETE" })).status, 400);
    } finally {
      await a?.stop();
      await b.stop();
      stateA.remove();
    }
  });

  it("with rocctl: peer add dials, peer pair prints the code, peer confirm types it, peer revoke", async () => {
    const b = await startDaemon();
    const a = await startDaemon();
    try {
      const bSelf = await self(b);
      const aSelf = await self(a);
      const badKey = await runRocctl(["peer", "add", bSelf.addresses[0]!, "--key", "not-a-key"], { ROCD_URL: a.baseUrl });
      assert.notEqual(badKey.code, 0);
      assert.match(badKey.stderr, /public_key/);
      const added = await runRocctl(["peer", "add", bSelf.addresses[0]!, "--key", bSelf.public_key!], { ROCD_URL: a.baseUrl });
      assert.equal(added.code, 0, added.stderr);
      await until(a, bSelf.peer_uid, (p) => p?.state === "online", "B online on A");
      await until(b, aSelf.peer_uid, (p) => p?.state === "online", "A online on B");

      const table = await runRocctl(["peers"], { ROCD_URL: a.baseUrl });
      assert.equal(table.code, 0, table.stderr);
      const line = table.stdout.split("\n").find((l) => l.includes(bSelf.peer_uid))!;
      assert.match(line, /discovered +online/);
      assert.ok(line.includes(bSelf.fingerprint!), line);

      const started = await runRocctl(["peer", "pair", bSelf.peer_uid], { ROCD_URL: a.baseUrl });
      assert.equal(started.code, 0, started.stderr);
      const code = /code: ([0-9]{6})/.exec(started.stdout)?.[1];
      assert.ok(code, started.stdout);
      const wrongFirst = await runRocctl(["peer", "confirm", aSelf.peer_uid, "12345x"], { ROCD_URL: b.baseUrl });
      assert.notEqual(wrongFirst.code, 0, "a wrong code is refused");
      assert.match(wrongFirst.stderr, /code/);
      // One try: the pairing is over; start again (B lets A ask again after 10 s).
      await sleep(10_500);
      const again = await runRocctl(["peer", "pair", bSelf.peer_uid], { ROCD_URL: a.baseUrl });
      assert.equal(again.code, 0, again.stderr);
      const code2 = /code: ([0-9]{6})/.exec(again.stdout)?.[1]!;
      const confirmed = await runRocctl(["peer", "confirm", aSelf.peer_uid, code2], { ROCD_URL: b.baseUrl });
      assert.equal(confirmed.code, 0, confirmed.stderr);
      assert.match(confirmed.stdout, /trust: trusted/);
      await until(a, bSelf.peer_uid, (p) => p?.trust === "trusted", "B trusted on A");
      const revoked = await runRocctl(["peer", "revoke", aSelf.peer_uid], { ROCD_URL: b.baseUrl });
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, /trust: revoked/);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("POST /peers refuses what it cannot dial, and lists nothing new", async () => {
    const d = await startDaemon();
    try {
      const key = (await self(d)).public_key!;
      for (const [body, field] of [
        [{ address: "nowhere", public_key: key }, "address"],
        [{ address: "10.0.0.1:0", public_key: key }, "address"],
        [{ address: "10.0.0.1:4041", public_key: "short" }, "public_key"],
        [{ address: "10.0.0.1:4041" }, "public_key"],
        [{ address: "10.0.0.1:4041", public_key: key, trust: "trusted" }, "trust"],
      ] as const) {
        const res = await post(d, "/peers", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.field, field, JSON.stringify(res.body));
      }
      assert.equal(((await (await fetch(`${d.baseUrl}/peers`)).json()) as unknown[]).length, 1);
    } finally {
      await d.stop();
    }
  });

  it("answers 422 for pairing when the peer protocol is off", async () => {
    const d = await startDaemon({ p2pListen: "off" });
    try {
      assert.deepEqual((await self(d)).addresses, []);
      const res = await post(d, "/peers/aaaaaa-bbbbbb-cccccc/pairing");
      assert.equal(res.status, 422);
    } finally {
      await d.stop();
    }
  });
  it("a fleet secret trusts its holders with no person involved; another secret does not get in", async () => {
    const secret = "kH3vQ9xT2mW8rB5nL7cJ4pZ6yF1sD0aE";
    const a = await startDaemon({ args: ["--network-secret", secret] });
    const started: Daemon[] = [a];
    try {
      const aSelf = await self(a);
      const events = await EventClient.subscribed(a, "?type=peer_added,peer_updated");
      const dialA = `peers:\n  - address: ${aSelf.addresses[0]}\n    public_key: "${aSelf.public_key}"\n`;
      const b = await startDaemon({ config: `${dialA}network_secret: "${secret}"\n` });
      started.push(b);
      const c = await startDaemon({ config: `${dialA}network_secret: "another-secret-of-thirty-two-chars!"\n` });
      started.push(c);
      const [bSelf, cSelf] = [await self(b), await self(c)];

      await until(a, bSelf.peer_uid, (p) => p?.trust === "trusted" && p.state === "online", "B trusted on A");
      await until(b, aSelf.peer_uid, (p) => p?.trust === "trusted", "A trusted on B");
      // On A's event stream: B added (discovered), then updated (trusted).
      const added = await events.waitFor((m) => m.event === "peer_added" && JSON.parse(m.data).peer_uid === bSelf.peer_uid);
      const trusted = await events.waitForData("peer_updated", (p) => p.peer_uid === bSelf.peer_uid && p.trust === "trusted");
      assert.equal(JSON.parse(added.data).trust, "discovered");
      assert.equal(trusted.trust, "trusted");
      events.close();
      await until(a, cSelf.peer_uid, (p) => p?.state === "online", "C online on A");
      await sleep(1000);
      assert.equal((await peerOn(a, cSelf.peer_uid))!.trust, "discovered", "C proved another secret");
      assert.equal((await peerOn(c, aSelf.peer_uid))!.trust, "discovered");
      assert.match(a.logs(), /proved a wrong network secret/);
      // C cannot read A's ports through its own API: not trusted, no mirror.
      const ports = await fetch(`${c.baseUrl}/peers/${aSelf.peer_uid}/ports`);
      assert.deepEqual(await ports.json(), []);
      assert.equal(ports.headers.get("age"), null, "no mirror to be old");

      // Trust on first use, on its side only, and said loudly.
      const d = await startDaemon({ config: dialA, args: ["--trust-on-first-use"] });
      started.push(d);
      const dSelf = await self(d);
      await until(d, aSelf.peer_uid, (p) => p?.trust === "trusted", "A trusted on D");
      assert.match(d.logs(), /trust_on_first_use is ON/);
      await until(a, dSelf.peer_uid, (p) => p?.state === "online", "D online on A");
      assert.equal((await peerOn(a, dSelf.peer_uid))!.trust, "discovered");
    } finally {
      for (const d of started.reverse()) await d.stop();
    }
  });

  it("refuses a network secret shorter than 32 characters at start", async () => {
    const run = await runRocd(["--state-dir", tempDir().path, "--network-secret", "too-short-to-resist-guessing"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /network_secret has 28 characters; it needs at least 32/);
  });
});
