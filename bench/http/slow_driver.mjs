#!/usr/bin/env node
// What other clients see while the driver is slow. A release rocd on the mock
// driver with create_delay_ms (virtual-device creation takes that long, as a
// busy PipeWire might): R rounds of one POST /peers/self/ports, during which
// 50 GET /status are sent one after another; the latency of each GET, and of
// the POST. Before the control plane stopped waiting for the driver, every
// GET waited for the POST.
//
//   node bench/http/slow_driver.mjs [DELAY_MS=1500] [R=5]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const top = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const rocd = process.env.ROCD_BIN ?? join(top, "build", "release", "bin", "rocd");
const [delay, rounds] = [1500, 5].map((d, i) => Number(process.argv[2 + i] ?? d));

const work = mkdtempSync(join(tmpdir(), "rocd-slow-driver-"));
const fixture = join(work, "fixture.json");
writeFileSync(
  fixture,
  JSON.stringify({
    create_delay_ms: delay,
    devices: [{ name: "mock_speakers", direction: "output", channels: 2, rate: 48000 }],
  }),
);
const config = join(work, "rocd.yaml");
// The daemon is measured, not its request-rate limit.
writeFileSync(config, `mock_fixture: ${fixture}\nmax_requests_per_second: 1000000\n`);
const daemon = spawn(
  rocd,
  ["--driver", "mock", "--config", config, "--listen", "127.0.0.1:0", "--p2p-listen", "127.0.0.1:0", "--state-dir", join(work, "state")],
  { stdio: ["ignore", "ignore", "pipe"] },
);
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

const now = () => Number(process.hrtime.bigint()) / 1e6;

function report(what, values) {
  const v = [...values].sort((a, b) => a - b);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const at = (q) => v[Math.min(v.length - 1, Math.floor(v.length * q))];
  console.log(
    `${what.padEnd(30)} n=${String(v.length).padEnd(4)} mean ${mean.toFixed(2).padStart(8)} ms  ` +
      `p50 ${at(0.5).toFixed(2).padStart(8)} ms  p99 ${at(0.99).toFixed(2).padStart(8)} ms  max ${v.at(-1).toFixed(2).padStart(8)} ms`,
  );
}

const gets = [];
const posts = [];
let before = 0;
for (let round = 0; round < rounds; round++) {
  const t0 = now();
  let postDone = false;
  const post = fetch(`${base}/peers/self/ports`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ direction: "output", display_name: `Slow ${round}` }),
  }).then(async (r) => {
    await r.text();
    postDone = true;
    if (r.status !== 201) throw new Error(`POST: ${r.status}`);
    posts.push(now() - t0);
  });
  for (let i = 0; i < 50; i++) {
    const t = now();
    const r = await fetch(`${base}/status`);
    await r.text();
    gets.push(now() - t);
    if (postDone) before++;
  }
  await post;
}
console.log(`create_delay_ms ${delay}, ${rounds} rounds`);
report("POST (slow device)", posts);
report("GET /status during the POST", gets);
console.log(`GET answered after their POST: ${before} of ${gets.length}`);
process.exit(0);
