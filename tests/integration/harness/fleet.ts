// Two daemons that trust each other by a fleet secret, online both ways:
// the set-up of the tests of what one peer does on another.
import assert from "node:assert/strict";

import { startDaemon, type Daemon, type DaemonOptions } from "./daemon.js";
import { sleep } from "./http.js";

export const secret = "kH3vQ9xT2mW8rB5nL7cJ4pZ6yF1sD0aE";

export type Peer = { peer_uid: string; trust?: string; state?: string; addresses: string[]; public_key?: string };

export async function peerOn(d: Daemon, peer: string): Promise<Peer | undefined> {
  const { data } = await d.client.GET("/peers/{peer}", { params: { path: { peer } } });
  return data as Peer | undefined;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, ok: (v: T | undefined) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await probe();
    if (ok(last)) return last!;
    await sleep(100);
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

/**
 * A and B, trusted both ways and online (B dials A). `bStateDir` keeps B's state where the test says
 * (to start B again on it with `startB`), and `aStateDir` A's (`startA` starts A again on it, on the
 * same peer-protocol address, which B's config names); `extraB`: more arguments for B; `both`:
 * options of both (a driver and its environment, say).
 */
export async function fleetOfTwo(
  extraB: string[] = [],
  bStateDir?: string,
  both: Pick<DaemonOptions, "driver" | "env"> = {},
  aStateDir?: string,
): Promise<{ a: Daemon; b: Daemon; bUid: string; startA: () => Promise<Daemon>; startB: () => Promise<Daemon> }> {
  const startAOn = (p2pListen?: string) =>
    startDaemon({
      ...both,
      args: ["--network-secret", secret],
      ...(aStateDir ? { stateDir: aStateDir } : {}),
      ...(p2pListen ? { p2pListen } : {}),
    });
  const a = await startAOn();
  const aSelf = (await peerOn(a, "self"))!;
  const startA = () => startAOn(aSelf.addresses[0]);
  const startB = () =>
    startDaemon({
      ...both,
      config: `peers:\n  - address: ${aSelf.addresses[0]}\n    public_key: "${aSelf.public_key}"\nnetwork_secret: "${secret}"\n`,
      args: extraB,
      ...(bStateDir ? { stateDir: bStateDir } : {}),
    });
  const b = await startB();
  const bUid = (await peerOn(b, "self"))!.peer_uid;
  await until("B trusted and online on A", () => peerOn(a, bUid), (p) => p?.trust === "trusted" && p.state === "online");
  await until("A trusted on B", () => peerOn(b, aSelf.peer_uid), (p) => p?.trust === "trusted");
  return { a, b, bUid, startA, startB };
}


/**
 * A, B and C, each trusting the others by the fleet secret and online to
 * both (B dials A, C dials A and B). `stateDirs` keeps each one's state
 * where the test says, so that `start.b()` (and so on) starts it again on
 * it, on the same peer-protocol address.
 */
export async function fleetOfThree(stateDirs: { a?: string; b?: string; c?: string } = {}): Promise<{
  a: Daemon;
  b: Daemon;
  c: Daemon;
  uids: { a: string; b: string; c: string };
  start: { a: () => Promise<Daemon>; b: () => Promise<Daemon>; c: () => Promise<Daemon> };
}> {
  const peersConfig = (...peers: Peer[]) =>
    `peers:\n${peers.map((p) => `  - address: ${p.addresses[0]}\n    public_key: "${p.public_key}"\n`).join("")}network_secret: "${secret}"\n`;
  const startOn = (stateDir: string | undefined, config: string, p2pListen?: string) =>
    startDaemon({
      config,
      ...(stateDir ? { stateDir } : {}),
      ...(p2pListen ? { p2pListen } : {}),
    });
  const a = await startOn(stateDirs.a, `network_secret: "${secret}"\n`);
  const aSelf = (await peerOn(a, "self"))!;
  const b = await startOn(stateDirs.b, peersConfig(aSelf));
  const bSelf = (await peerOn(b, "self"))!;
  const c = await startOn(stateDirs.c, peersConfig(aSelf, bSelf));
  const cSelf = (await peerOn(c, "self"))!;
  const all: [Daemon, Peer][] = [
    [a, aSelf],
    [b, bSelf],
    [c, cSelf],
  ];
  for (const [d] of all) {
    for (const [, other] of all) {
      if ((await peerOn(d, "self"))!.peer_uid === other.peer_uid) continue;
      await until(`${other.peer_uid} trusted and online`, () => peerOn(d, other.peer_uid), (p) => p?.trust === "trusted" && p.state === "online");
    }
  }
  return {
    a,
    b,
    c,
    uids: { a: aSelf.peer_uid, b: bSelf.peer_uid, c: cSelf.peer_uid },
    start: {
      a: () => startOn(stateDirs.a, `network_secret: "${secret}"\n`, aSelf.addresses[0]),
      b: () => startOn(stateDirs.b, peersConfig(aSelf), bSelf.addresses[0]),
      c: () => startOn(stateDirs.c, peersConfig(aSelf, bSelf), cSelf.addresses[0]),
    },
  };
}
