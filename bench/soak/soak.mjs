#!/usr/bin/env node
// Soak benchmark (issue 11, "Load and soak"): one release rocd on a private
// PipeWire session for MINUTES (default 30) with 50 streams, a PipeWire
// restart every 5 minutes (every MINUTES/6 for shorter runs), a client
// creating, patching and deleting streams, 100 SSE clients (15 slow, 5
// nearly stalled) and attacks in the background (RTP flood into a judged
// receive port, garbage UDP, slowloris and idle connections, malformed HTTP).
// It measures and judges:
//   - RSS at the end against where it settled (median over minutes 2–4,
//     scaled for shorter runs): within 10 %;
//   - open file descriptors, with the load stopped, against the same quiet
//     point before it started: none leaked;
//   - every acknowledged change (201, 200, 204) in GET /streams, also after
//     a restart of rocd on the same state;
//   - every SSE client got every event id (after reconnections);
//   - the two real chains' audio (a 1 kHz tone) clean in ≥ 99.9 % of 10 ms
//     windows outside the gaps that the PipeWire restarts necessarily cause
//     (reported apart, with the share over all windows);
//   - how long rocd takes to get its ports and streams back after each
//     PipeWire restart, and its CPU time.
// Everything runs on 127.0.0.0/8; every child is ended by its PID.
//
//   node bench/soak/soak.mjs [MINUTES=30] [--json PATH] [--keep]
//   (binaries from ROCD_BIN_DIR, default build/release/bin)
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Api } from "./api.mjs";
import { malformedHttp, rtpFlood, slowConnections, udpGarbage } from "./attacks.mjs";
import { audioFigures, judge, measureWav, writeToneWav } from "./audio.mjs";
import { Chains } from "./chains.mjs";
import { Churn, SseClient } from "./clients.mjs";
import { fdKinds, run, running, sampleProcess, sleep, startRocd, startSandbox, stop, terminateAllSync } from "./procs.mjs";
import { printReport } from "./report.mjs";
import { build, churnBodies, createJudgedSend, waitForPorts } from "./topology.mjs";

const top = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = process.env.ROCD_BIN_DIR ?? join(top, "build", "release", "bin");
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const minutes = Number(args.find((a, i) => /^\d+(\.\d+)?$/.test(a) && args[i - 1] !== "--json") ?? 30);
const jsonPath = option("--json");
const keep = args.includes("--keep");
const durationMs = minutes * 60_000;
const restartEveryMs = minutes >= 30 ? 5 * 60_000 : durationMs / 6;
const settleFrom = (2 / 30) * durationMs;
const settleTo = (4 / 30) * durationMs;
// Rates of the load (per second) and the client mix; see bench/README.md.
// Diagnostics, to tell causes apart: SOAK_FLOOD_PPS changes the flood's rate
// (0: none); SOAK_RT=1 gives every rocd thread SCHED_FIFO priority 20 (chrt;
// rocd's own audio pump already runs SCHED_FIFO at audio_priority, 70).
const load = {
  floodPps: Number(process.env.SOAK_FLOOD_PPS ?? 2000),
  garbagePps: 20,
  slowloris: 30,
  idle: 20,
  malformedPs: 5,
  sse: 100,
  sseSlow: 15,
  sseStalled: 5,
};

/** A binary of the build: bin/NAME, or where CMake leaves the tools (tools/NAME/NAME next to bin/). */
function binary(name) {
  const found = [join(bin, name), join(bin, "..", "tools", name, name)].find((p) => existsSync(p));
  if (!found) {
    console.error(`soak: ${name} not found in ${bin} (build the release preset, or set ROCD_BIN_DIR)`);
    process.exit(2);
  }
  return found;
}

const work = mkdtempSync("/dev/shm/rocd-soak-");
let sandbox;
let failed = false;
process.on("exit", (code) => {
  failed ||= code !== 0;
  terminateAllSync();
  try {
    sandbox?.stopSync();
  } catch (e) {
    console.error(`soak: stopping the sandbox: ${e.message}`);
  }
  if (keep) console.error(`soak: work directory kept: ${work}`);
  else if (failed) {
    // The logs and the state stay for a look; the audio files and binaries are large.
    for (const f of readdirSync(work)) {
      if (f.endsWith(".wav") || f === "bin" || f === "share") rmSync(join(work, f), { recursive: true, force: true });
    }
    console.error(`soak: work directory kept (logs and state): ${work}`);
  } else rmSync(work, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

// Copies: a rebuild of the tree during the run must not mix two builds
// (the restart of rocd at the end would start the new one). rocd finds its
// API document in ../share/rocd, as installed and in the build tree.
mkdirSync(join(work, "bin"));
if (existsSync(join(bin, "..", "share", "rocd"))) cpSync(join(bin, "..", "share", "rocd"), join(work, "share", "rocd"), { recursive: true });
const copy = (name) => {
  const to = join(work, "bin", name);
  copyFileSync(binary(name), to);
  chmodSync(to, 0o755);
  return to;
};
const rocdBin = copy("rocd");
const tools = { send: copy("rocd-send"), recv: copy("rocd-recv") };

const log = (...what) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...what);
const r = { minutes, restartEveryMin: restartEveryMs / 60_000, load, restarts: [], samples: [], notes: [] };

// --- set-up -----------------------------------------------------------------
const tone = join(work, "tone.wav");
writeToneWav(tone, durationMs / 1000 + 300); // rocd-send cannot loop: the file outlasts the run
sandbox = await startSandbox(join(top, "scripts", "pipewire-sandbox"));
const stateDir = join(work, "state");
mkdirSync(stateDir);
const config = join(work, "rocd.yaml");
// Default limits, except the SSE client bound (64): the soak runs 100.
writeFileSync(config, "max_event_clients: 128\n");
const rocdLog = join(work, "rocd.log");
const rocdArgs = ["--driver", "pipewire", "--config", config, "--listen", "127.0.0.1:0", "--p2p-listen", "127.0.0.1:0", "--state-dir", stateDir];
let rocd = await startRocd({ rocd: rocdBin, args: rocdArgs, env: sandbox.env, logPath: rocdLog });
let stopping = false;
let crash;
rocd.child.exited.then((e) => {
  if (!stopping) crash = `rocd exited during the run: ${JSON.stringify(e)} (log: ${rocdLog})`;
});
if (process.env.SOAK_RT === "1") {
  await run("chrt", ["-f", "-a", "-p", "20", String(rocd.child.pid)]);
  r.notes.push("SOAK_RT=1: rocd's threads ran with SCHED_FIFO 20 (a diagnostic, not rocd's own scheduling)");
}
const port = rocd.port;
log(`rocd pid ${rocd.child.pid} on 127.0.0.1:${port}, sandbox ${sandbox.dir}, work ${work}`);

const api = new Api(port, "127.0.0.1");
const usedPorts = new Set();
const topology = await build(api, usedPorts);
const chains = new Chains({ tools, env: sandbox.env, work, tone, a: topology.a, b: topology.b, mics: topology.mics });
chains.startNetworkSides();
await sleep(300); // rocd-recv bound before the send stream starts
await createJudgedSend(api, topology);
chains.startRecorder();
chains.startPlayer();
chains.startConsumers();
const staticUids = [...topology.streams.keys()];
log(`${staticUids.length} static streams, ${topology.deviceNames.length} devices`);

const sse = Array.from({ length: load.sse }, (_, i) => {
  const pause = i >= load.sse - load.sseStalled ? 60_000 : i >= load.sse - load.sseStalled - load.sseSlow ? 5000 : 0;
  return new SseClient(port, `127.0.0.${2 + (i % 4)}`, pause);
});
sse.forEach((c) => c.open());

/** Static streams not in their wanted state (default: active). */
async function lagging(want = () => "active") {
  const list = await api.call("GET", "/streams");
  const byUid = new Map(list.map((s) => [s.stream_uid, s]));
  return staticUids.filter((uid) => byUid.get(uid)?.state !== want(uid)).map((uid) => `${uid}:${byUid.get(uid)?.state}`);
}
for (const deadline = Date.now() + 60_000; ; await sleep(500)) {
  const late = await lagging();
  if (late.length === 0) break;
  if (Date.now() > deadline) throw new Error(`static streams not active after 60 s: ${late.join(" ")}`);
}
await sleep(3000);
api.close(); // no keep-alive connection of ours in the quiet figures
await sleep(500);
const quietStart = { ...sampleProcess(rocd.child.pid), fdKinds: fdKinds(rocd.child.pid) };
log(`settled set-up: RSS ${(quietStart.rssKiB / 1024).toFixed(1)} MiB, ${quietStart.fds} fds, ${quietStart.threads} threads`);

// --- the run ------------------------------------------------------------------
const runStart = Date.now();
const since = () => Date.now() - runStart;
const cpuStart = quietStart.cpu;
const churnApi = new Api(port, "127.0.0.6");
const churn = new Churn(churnApi, await churnBodies(topology, usedPorts));
const churnDone = churn.run();
const attacks = {
  flood: await rtpFlood({ port: topology.a.media, rate: load.floodPps, fec: true }),
  garbage: await udpGarbage({ ports: [topology.a.media, topology.a.repair, ...topology.backgroundReceivePorts.slice(0, 6)], rate: load.garbagePps }),
  slow: slowConnections({ port, count: load.slowloris, idle: load.idle }),
  malformed: malformedHttp({ port, rate: load.malformedPs }),
};

let restartBusy = false;
/** One PipeWire restart (or `ensure` after a crash of it) and rocd's recovery, timed. */
async function restart(kind) {
  restartBusy = true;
  const list = await api.call("GET", "/streams");
  const before = new Map(list.map((s) => [s.stream_uid, s.state]));
  keepJudgedMetrics(list);
  chains.beginRestart();
  const at = Date.now();
  try {
    await (kind === "scheduled" ? sandbox.restart() : sandbox.ensure());
  } catch (e) {
    r.notes.push(`sandbox ${kind} failed at ${((at - runStart) / 60_000).toFixed(1)} min: ${e.message.split("\n")[0]}`);
  }
  const sandboxMs = Date.now() - at;
  await chains.recorderBack();
  const out = { kind, atMin: (at - runStart) / 60_000, sandboxMs, portsMs: null, streamsMs: null, at };
  let player = false;
  for (const deadline = at + 120_000; Date.now() < deadline && !crash; await sleep(100)) {
    const ports = await api.call("GET", "/peers/self/ports");
    const present = new Set(ports.filter((p) => p.state === "present").map((p) => p.system_name));
    if (!player && present.has(topology.b.speaker.system_name)) {
      await chains.playerBack();
      player = true;
    }
    if (out.portsMs === null && topology.deviceNames.every((n) => present.has(n))) {
      out.portsMs = Date.now() - at;
      await chains.consumersBack();
    }
    if (out.portsMs !== null && out.streamsMs === null && (await lagging((uid) => before.get(uid))).length === 0) {
      out.streamsMs = Date.now() - at;
    }
    if (out.streamsMs !== null && player) break;
  }
  if (out.streamsMs === null) out.lagging = await lagging((uid) => before.get(uid)).catch((e) => [e.message]);
  if (!player) await chains.playerBack();
  if (out.portsMs === null) await chains.consumersBack();
  chains.endRestart();
  restartBusy = false;
  log(`restart ${r.restarts.length + 1} (${kind}): sandbox ${sandboxMs} ms, ports back ${out.portsMs} ms, streams back ${out.streamsMs} ms`);
  r.restarts.push(out);
}

/**
 * The judged streams' metrics restart with their transport at each PipeWire
 * restart: kept before each one and at the end, and summed in the report.
 */
r.judgedMetrics = [];
function keepJudgedMetrics(list) {
  const of = (uid) => list.find((s) => s.stream_uid === uid)?.metrics;
  const xruns = (direction) =>
    list.filter((s) => s.direction === direction && topology.streams.has(s.stream_uid)).reduce((n, s) => n + s.metrics.xruns, 0);
  r.judgedMetrics.push({
    t: since() / 1000,
    a: of(topology.a.stream.stream_uid),
    b: of(topology.b.stream.stream_uid),
    xrunsReceive: xruns("receive"),
    xrunsSend: xruns("send"),
  });
}

let lastProgress = 0;
const sampler = setInterval(async () => {
  if (crash || !running(rocd.child)) return;
  let s;
  try {
    s = { t: since() / 1000, load: loadavg()[0], ...sampleProcess(rocd.child.pid) };
  } catch {
    return; // rocd exiting: `crash` says why
  }
  r.samples.push(s);
  if (!restartBusy && !sandbox.healthy()) {
    r.notes.push(`PipeWire or WirePlumber died at ${(since() / 60_000).toFixed(1)} min; restarted with ensure`);
    void restart("ensure").catch((e) => r.notes.push(`ensure failed: ${e.message}`));
  }
  if (s.t - lastProgress >= 60) {
    lastProgress = s.t;
    const events = sse.reduce((n, c) => n + c.events, 0);
    log(
      `t=${(s.t / 60).toFixed(1)} min RSS ${(s.rssKiB / 1024).toFixed(1)} MiB fds ${s.fds} CPU ${s.cpu.toFixed(0)} s; ` +
        `churn +${churn.acked.create}/-${churn.acked.delete} (${churn.alive.size} alive); SSE events ${events}; ` +
        `flood ${attacks.flood.stats.packets} pkts`,
    );
  }
}, 10_000);

async function until(t) {
  while (Date.now() < t && !crash) await sleep(Math.min(1000, t - Date.now()));
}
for (let k = 1; runStart + k * restartEveryMs < runStart + durationMs - 1000 && !crash; k++) {
  await until(runStart + k * restartEveryMs);
  while (restartBusy) await sleep(100);
  if (!crash) await restart("scheduled");
}
await until(runStart + durationMs);
const runEnd = Date.now();
clearInterval(sampler);
while (restartBusy) await sleep(100);

// --- the end: checks under load, then quiet -----------------------------------
churn.stopped = true;
await churnDone;
for (const attack of Object.values(attacks)) attack.stop();
r.attacks = Object.fromEntries(Object.entries(attacks).map(([k, a]) => [k, a.stats]));
r.crash = crash;
if (!crash) {
  await sleep(2000);
  r.end = await finalChecks();
}
r.cpuPercent = r.samples.length ? (100 * (r.samples.at(-1).cpu - cpuStart)) / r.samples.at(-1).t : null;
await chains.end();
r.chainNotes = chains.unexpected;
r.audio = analyseAudio();
if (!crash) r.restartedRocd = await restartRocd();
sandbox.stopSync();
failed = printReport(r, { quietStart, settleFrom, settleTo, staticCount: staticUids.length }) > 0;
if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ ...r, restarts: r.restarts }, null, 2));
process.exit(failed ? 1 : 0);

/** The streams rocd should have: the static ones unchanged, the churn's alive ones with their last acknowledged latency. */
function compareStreams(list) {
  const byUid = new Map(list.map((s) => [s.stream_uid, s]));
  const problems = [];
  for (const [uid, created] of topology.streams) {
    const s = byUid.get(uid);
    if (!s) problems.push(`static ${uid} missing`);
    else if (JSON.stringify([s.source, s.destination, s.settings]) !== JSON.stringify([created.source, created.destination, created.settings])) {
      problems.push(`static ${uid} changed`);
    }
  }
  for (const [uid, c] of churn.alive) {
    const s = byUid.get(uid);
    if (!s) problems.push(`churn ${uid} missing`);
    else if ((s.settings?.target_latency_ms ?? null) !== c.latency) problems.push(`churn ${uid} latency ${s.settings?.target_latency_ms} ≠ ${c.latency}`);
  }
  for (const uid of byUid.keys()) if (!topology.streams.has(uid) && !churn.alive.has(uid)) problems.push(`unexpected ${uid}`);
  return { count: list.length, expected: topology.streams.size + churn.alive.size, problems };
}

async function finalChecks() {
  const list = await api.call("GET", "/streams");
  keepJudgedMetrics(list);
  const end = { streams: compareStreams(list), states: {} };
  for (const s of list) end.states[s.state] = (end.states[s.state] ?? 0) + 1;
  end.notActive = staticUids.filter((uid) => list.find((s) => s.stream_uid === uid)?.state !== "active");
  end.churn = { acked: churn.acked, refused: churn.refused, refusals: churn.refusals, unknown: churn.unknown, alive: churn.alive.size };
  // SSE: one last event, then every client (slow ones at full speed now) must reach it.
  sse.forEach((c) => c.hurry());
  await api.call("PATCH", "/peers/self", { display_name: "soak end" });
  await sleep(2000);
  const target = Math.max(...sse.map((c) => c.lastId));
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && sse.some((c) => c.lastId < target); ) await sleep(200);
  end.sse = {
    lastId: target,
    behind: sse.filter((c) => c.lastId < target).length,
    events: sse.reduce((n, c) => n + c.events, 0),
    minEvents: Math.min(...sse.map((c) => c.events)),
    maxEvents: Math.max(...sse.map((c) => c.events)),
    missing: sse.reduce((n, c) => n + c.missing, 0),
    duplicates: sse.reduce((n, c) => n + c.duplicates, 0),
    reconnects: sse.reduce((n, c) => n + c.connects - 1, 0),
    refusals: sse.reduce((n, c) => n + c.refusals, 0),
    overflows: sse.reduce((n, c) => n + c.overflows, 0),
    replayGaps: sse.reduce((n, c) => n + c.replayGaps, 0),
    typesOfFirstClient: sse[0].types,
  };
  // Quiet again: no churn stream, no attacker, no keep-alive of ours; the 100 SSE clients stay, as at the start.
  await churn.drain();
  end.churn.drained = churn.alive.size === 0;
  churnApi.close();
  api.close();
  // Closing what the load left (sockets, PipeWire streams) may take a moment: up to 20 s for the descriptors to come back.
  await sleep(3000);
  end.quietFirst = sampleProcess(rocd.child.pid);
  for (const deadline = Date.now() + 17_000; Date.now() < deadline && sampleProcess(rocd.child.pid).fds > quietStart.fds; ) await sleep(1000);
  end.quiet = { ...sampleProcess(rocd.child.pid), fdKinds: fdKinds(rocd.child.pid) };
  // Eventfds open now and not at the start, with the epoll that watches each and what else it
  // watches: whose loop holds them (PipeWire's, ZeroMQ's, Asio's or the network loop's).
  // Only when there are more: descriptor numbers are reused, so "new" by number means nothing otherwise.
  const kinds = end.quiet.fdKinds;
  const grew = kinds.eventfds.length > quietStart.fdKinds.eventfds.length;
  end.newEventfds = kinds.eventfds
    .filter((fd) => grew && !quietStart.fdKinds.eventfds.includes(fd))
    .map((fd) => {
      const epoll = kinds.watchedBy[fd];
      const alsoWatches = Object.entries(kinds.watchedBy).filter(([, e]) => e === epoll).length - 1;
      return { fd, epoll: epoll ?? null, epollWatches: alsoWatches + 1 };
    });
  sse.forEach((c) => c.close());
  return end;
}

/** The judged chains' windows over the run (set-up and the final checks excluded). */
function analyseAudio() {
  const restartTimes = r.restarts.map((x) => ({ at: x.at, backAt: x.at + x.sandboxMs }));
  const a = chains.segments.filter((s) => s.endAt !== undefined && existsSync(s.path) && statSync(s.path).size > 44);
  const aMeasures = a.map((s) => measureWav(s.path));
  const aJudged = judge(aMeasures);
  const out = {
    a: { level: aJudged.level, segments: a.length, ...audioFigures(a.map((s, i) => ({ endAt: s.endAt, clean: aJudged.verdicts[i] })), runStart, runEnd, restartTimes) },
  };
  if (chains.receiverEndAt && existsSync(chains.recvPath)) {
    const bJudged = judge([measureWav(chains.recvPath)]);
    out.b = { level: bJudged.level, segments: 1, ...audioFigures([{ endAt: chains.receiverEndAt, clean: bJudged.verdicts[0] }], runStart, runEnd, restartTimes) };
  }
  out.playerStarts = chains.playerStarts;
  if (!keep) for (const f of [...chains.segments.map((s) => s.path), chains.recvPath]) rmSync(f, { force: true });
  return out;
}

/** rocd stopped (SIGTERM: exit 0?) and started again on the same state: the same streams. */
async function restartRocd() {
  stopping = true;
  const exit = await stop(rocd.child, 10_000);
  rocd = await startRocd({ rocd: rocdBin, args: rocdArgs, env: sandbox.env, logPath: rocdLog });
  const again = new Api(rocd.port, "127.0.0.1");
  await waitForPorts(again, topology.deviceNames).catch(() => undefined);
  const out = { exit, streams: compareStreams(await again.call("GET", "/streams")) };
  again.close();
  out.exitAgain = await stop(rocd.child, 10_000);
  return out;
}
