// Child processes of the soak benchmark. Every process it starts is kept by
// PID and ended by that PID (never by name); the PipeWire sandbox's own
// processes are ended by scripts/pipewire-sandbox, which records theirs.
import { execFile, execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** pid → child, for the exit handler. */
const children = new Map();

/**
 * Spawns a tracked child. `child.exited` resolves with {code, signal, at}
 * (at: Date.now() of the exit) whatever way it ends; a program that cannot
 * be started resolves it too (code null, error set), so nobody waits forever.
 */
export function start(name, program, args, options = {}) {
  const child = spawn(program, args, { stdio: ["ignore", "ignore", "ignore"], ...options });
  child.label = name;
  if (child.pid !== undefined) children.set(child.pid, child);
  child.exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      children.delete(child.pid);
      resolve({ code, signal, at: Date.now() });
    });
    child.on("error", (error) => {
      children.delete(child.pid);
      resolve({ code: null, signal: null, at: Date.now(), error });
    });
  });
  return child;
}

export const running = (child) => child !== undefined && child.exitCode === null && child.signalCode === null;

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit. */
export async function stop(child, graceMs = 5000) {
  if (!child) return undefined;
  if (running(child)) {
    child.kill("SIGTERM");
    const timer = setTimeout(() => running(child) && child.kill("SIGKILL"), graceMs);
    const exit = await child.exited;
    clearTimeout(timer);
    return exit;
  }
  return child.exited;
}

/** For the exit handler: SIGTERM to every child still running, by PID. */
export function terminateAllSync() {
  for (const child of children.values()) {
    try {
      process.kill(child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

/** Runs a program to completion (bounded); rejects on a non-zero exit. */
export function run(program, args, { env, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(" ")}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** A private PipeWire session (scripts/pipewire-sandbox), and its environment for rocd and pw-*. */
export async function startSandbox(script) {
  const exports = await run(script, ["start"]);
  const vars = {};
  for (const line of exports.split("\n")) {
    const m = line.match(/^export ([A-Z_]+)=(.*)$/);
    if (m) vars[m[1]] = m[2];
  }
  const dir = vars.ROCD_PW_SANDBOX;
  if (!dir) throw new Error(`pipewire-sandbox start printed no ROCD_PW_SANDBOX:\n${exports}`);
  const env = { ...process.env, ...vars };
  delete env.PIPEWIRE_REMOTE;
  // If this process dies without its exit handler (SIGKILL), the watcher
  // stops the sandbox; it ends by itself once the sandbox directory is gone.
  spawn(script, ["watch", String(process.pid), dir], { stdio: "ignore", detached: true }).unref();
  let stopped = false;
  const alive = (name) => {
    try {
      process.kill(Number(readFileSync(join(dir, `${name}.pid`), "utf8")), 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    dir,
    env,
    restart: () => run(script, ["restart", dir]),
    ensure: () => run(script, ["ensure", dir]),
    /** PipeWire and WirePlumber both running (WirePlumber 0.4.13 can segfault). */
    healthy: () => alive("pipewire") && alive("wireplumber"),
    stopSync: () => {
      if (stopped) return;
      stopped = true;
      execFileSync(script, ["stop", dir], { stdio: "ignore", timeout: 30_000 });
    },
  };
}

/**
 * Starts rocd and waits for the port it logs ("listening on
 * http://127.0.0.1:PORT"); its log is appended to `logPath`.
 */
export async function startRocd({ rocd, args, env, logPath }) {
  const offset = (() => {
    try {
      return statSync(logPath).size;
    } catch {
      return 0;
    }
  })();
  const fd = openSync(logPath, "a");
  const child = start("rocd", rocd, args, { env, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const log = readFileSync(logPath, "utf8").slice(offset);
    const m = log.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    if (m) return { child, port: Number(m[1]) };
    if (!running(child) || Date.now() > deadline) {
      await stop(child);
      throw new Error(`rocd did not start (${JSON.stringify(await child.exited)}):\n${log.slice(-3000)}`);
    }
    await sleep(50);
  }
}

/** RSS (KiB), open file descriptors and CPU seconds (user + system) of a process. */
export function sampleProcess(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1] ?? NaN);
  const rssKiB = kib("VmRSS");
  // Heap and stacks / mapped files / shared memory (PipeWire's buffers are memfds).
  const split = { anonKiB: kib("RssAnon"), fileKiB: kib("RssFile"), shmemKiB: kib("RssShmem") };
  const threads = Number(status.match(/Threads:\s+(\d+)/)[1]);
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const cpu = (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100) ticks
  return { rssKiB, ...split, fds: fdKinds(pid).total, cpu, threads };
}

/**
 * Open descriptors by kind (socket, pipe, anon_inode:[eventfd], a file path...), to show what leaked;
 * `eventfds`: their numbers; `watchedBy`: for each descriptor an epoll instance watches, that epoll's
 * number (from /proc/PID/fdinfo), which tells whose loop a leaked one belongs to.
 */
export function fdKinds(pid) {
  const out = { total: 0, kinds: {}, eventfds: [], watchedBy: {} };
  let names;
  try {
    names = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of names) {
    let target;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const kind = target.replace(/:\[\d+\]$/, "").replace(/^\/dev\/shm\/.*/, "/dev/shm/…");
    out.kinds[kind] = (out.kinds[kind] ?? 0) + 1;
    out.total++;
    if (kind === "anon_inode:[eventfd]") out.eventfds.push(Number(fd));
    if (kind === "anon_inode:[eventpoll]") {
      try {
        for (const m of readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8").matchAll(/^tfd:\s*(\d+)/gm)) out.watchedBy[m[1]] = Number(fd);
      } catch {
        // closed meanwhile
      }
    }
  }
  return out;
}
