#!/usr/bin/env node
// Streams and events through the REST API of a release rocd (--driver mock,
// state in a temporary directory, loopback only):
//   1. N streams created with POST /streams (half send from the mock
//      microphone to 127.0.0.1, half receive binding 127.0.0.1 into the mock
//      speakers), listed (GET /streams), read, deleted: latency per call;
//   2. POST of a send stream towards a running receive stream → the receive
//      stream's first received packet, as a client sees it (polling GET every
//      millisecond);
//   3. C SSE clients on GET /events?type=peer_updated while PATCH
//      /peers/self changes the display name E times (4 requests in flight):
//      events delivered per second over all clients, and whether any client
//      fell behind (overflow).
//
//   node bench/streams/api_bench.mjs [N=100] [C=100] [E=2000]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const top = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const rocd = process.env.ROCD_BIN ?? join(top, "build", "release", "bin", "rocd");
const [n, clients, events] = [100, 100, 2000].map((d, i) => Number(process.argv[2 + i] ?? d));

const work = mkdtempSync(join(tmpdir(), "rocd-api-bench-"));
// The daemon is measured, not its limits: lift the stream count, request
// rate and SSE client bounds above what the benchmark asks.
const config = join(work, "rocd.yaml");
writeFileSync(config, `max_streams: ${n + 16}\nmax_requests_per_second: 1000000\nmax_event_clients: ${clients + 16}\n`);
const daemon = spawn(rocd, ["--driver", "mock", "--config", config, "--listen", "127.0.0.1:0", "--p2p-listen", "127.0.0.1:0", "--state-dir", join(work, "state")], {
  stdio: ["ignore", "ignore", "pipe"],
});
const end = () => {
  daemon.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
};
process.on("exit", end);

const port = await new Promise((resolvePort, reject) => {
  let log = "";
  daemon.stderr.on("data", (chunk) => {
    log += chunk;
    const m = log.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    if (m) resolvePort(Number(m[1]));
  });
  daemon.on("exit", (code) => reject(new Error(`rocd exited (${code}):\n${log}`)));
});
const base = `http://127.0.0.1:${port}`;

async function call(method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function timed(fn) {
  const t = process.hrtime.bigint();
  const out = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out };
}

function report(what, values) {
  const v = [...values].sort((a, b) => a - b);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const at = (q) => v[Math.min(v.length - 1, Math.floor(v.length * q))];
  console.log(
    `${what.padEnd(34)} n=${String(v.length).padEnd(4)} mean ${mean.toFixed(2).padStart(8)} ms  ` +
      `p50 ${at(0.5).toFixed(2).padStart(8)} ms  p99 ${at(0.99).toFixed(2).padStart(8)} ms  max ${v.at(-1).toFixed(2).padStart(8)} ms`,
  );
}

const rss = () => readFileSync(`/proc/${daemon.pid}/status`, "utf8").match(/VmRSS:\s+(\d+ kB)/)[1];

/** CPU seconds (user + system) the daemon has used so far. */
const cpu = () => {
  const fields = readFileSync(`/proc/${daemon.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ports = await call("GET", "/peers/self/ports");
console.log(`rocd RSS at start: ${rss()}`);
const mic = ports.find((p) => p.direction === "input").port_uri;
const speakers = ports.find((p) => p.direction === "output").port_uri;
const udpBase = 40000 + (process.pid % 1000) * 10;
const sendBody = (udp) => ({
  source: { type: "port", port_uri: mic },
  destination: { type: "address", media_uri: `rtp://127.0.0.1:${udp}` },
});
const receiveBody = (udp, latency = 200) => ({
  source: { type: "address", media_uri: `rtp://127.0.0.1:${udp}` },
  destination: { type: "port", port_uri: speakers },
  settings: { target_latency_ms: latency },
});

// 1. create, list, get, delete
const create = [];
const list = [];
const get = [];
const remove = [];
const uids = [];
for (let i = 0; i < n; i++) {
  const body = i % 2 === 0 ? sendBody(udpBase + 10000 + i) : receiveBody(udpBase + 10000 + i);
  const { ms, out } = await timed(() => call("POST", "/streams", body));
  create.push(ms);
  uids.push(out.stream_uid);
}
for (const uid of uids) {
  list.push((await timed(() => call("GET", "/streams"))).ms);
  get.push((await timed(() => call("GET", `/streams/${uid}`))).ms);
}
for (const uid of uids) remove.push((await timed(() => call("DELETE", `/streams/${uid}`))).ms);
console.log(`${n} streams (half send, half receive) through the REST API, store fsync'ed on every change:`);
report("POST /streams", create);
report(`GET /streams (${n} streams)`, list);
report("GET /streams/{uid}", get);
report("DELETE /streams/{uid}", remove);
console.log(`rocd RSS after create/delete: ${rss()}`);

// 2. POST → first packet received by a running receive stream
for (const latency of [60, 200]) {
  const first = [];
  for (let run = 0; run < 10; run++) {
    const rx = await call("POST", "/streams", receiveBody(udpBase + run, latency));
    await sleep(50);
    const t = process.hrtime.bigint();
    const tx = await call("POST", "/streams", sendBody(udpBase + run));
    for (;;) {
      const s = await call("GET", `/streams/${rx.stream_uid}`);
      if (s.metrics.packets_received > 0) break;
      await sleep(1);
    }
    first.push(Number(process.hrtime.bigint() - t) / 1e6);
    await call("DELETE", `/streams/${tx.stream_uid}`);
    await call("DELETE", `/streams/${rx.stream_uid}`);
  }
  report(`POST -> first packet in (${latency} ms)`, first);
}

// 3. events to many SSE clients
let delivered = 0;
let overflowed = 0;
const counts = new Array(clients).fill(0);
const requests = [];
await Promise.all(
  Array.from(
    { length: clients },
    (_, i) =>
      new Promise((resolveOpen, reject) => {
        const req = http.get(
          { host: "127.0.0.1", port, path: "/events?type=peer_updated", agent: false },
          (res) => {
            res.setEncoding("utf8");
            res.on("data", (chunk) => {
              const k = chunk.split("event: peer_updated").length - 1;
              counts[i] += k;
              delivered += k;
              if (chunk.includes("event: overflow")) overflowed++;
            });
            resolveOpen();
          },
        );
        req.on("error", reject);
        requests.push(req);
      }),
  ),
);
console.log(`rocd RSS with ${clients} SSE clients open: ${rss()}`);
const t0 = process.hrtime.bigint();
const cpu0 = cpu();
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < events) {
      const i = next++;
      await call("PATCH", "/peers/self", { display_name: `bench ${i}` });
    }
  }),
);
const target = clients * events;
const deadline = Date.now() + 60_000;
while (delivered < target && overflowed === 0 && Date.now() < deadline) await sleep(5);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const daemonCpu = cpu() - cpu0;
console.log(
  `SSE: ${events} events x ${clients} clients: ${delivered} delivered in ${seconds.toFixed(2)} s = ` +
    `${Math.round(delivered / seconds)} events/s; publishing rate ${Math.round(events / seconds)}/s; ` +
    `overflowed clients: ${overflowed}; min per client ${Math.min(...counts)}; ` +
    `rocd CPU ${daemonCpu.toFixed(2)} s (${Math.round((daemonCpu / seconds) * 100)} % of a core)`,
);
console.log(`rocd RSS with ${clients} SSE clients: ${rss()}`);
for (const req of requests) req.destroy();
process.exit(0);
