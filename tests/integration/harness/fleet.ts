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

