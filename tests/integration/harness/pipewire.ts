// A private PipeWire session for the tests that move real audio: D-Bus,
// PipeWire and WirePlumber started by scripts/pipewire-sandbox in a temporary
// XDG_RUNTIME_DIR, plus the command-line tools (pw-play, pw-record, pw-cli,
// pw-dump) run inside it.
//
// stop() ends exactly the processes the sandbox started (by the PIDs it
// recorded); a watcher started with it does the same if this test process
// dies first.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { checkTone, readWav } from "./audio.js";
import { repoRoot } from "./daemon.js";
import { runProgram } from "./process.js";

const script = resolve(repoRoot, "scripts", "pipewire-sandbox");

export interface RunOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  /** The sandbox's XDG_RUNTIME_DIR. */
  dir: string;
  /** This process's environment plus the sandbox's (for rocd and the pw-* tools). */
  env: NodeJS.ProcessEnv;
  /** Runs a program inside the sandbox; a timeout ends it with SIGTERM (not an error). */
  run(program: string, args: string[], timeoutMs?: number): Promise<RunOutput>;
  /** The id of the node called `name` in pw-dump, or undefined. */
  nodeId(name: string): Promise<number | undefined>;
  /** Restarts PipeWire and WirePlumber if either died (WirePlumber 0.4.13 can segfault). */
  ensure(): Promise<void>;
  stop(): Promise<void>;
}

function execScript(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(script, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`pipewire-sandbox ${args.join(" ")}: ${error.message}\n${stderr}`));
      else resolveRun(stdout);
    });
  });
}

export async function startSandbox(): Promise<Sandbox> {
  const exports = await execScript(["start"]);
  const vars: Record<string, string> = {};
  for (const line of exports.split("\n")) {
    const m = line.match(/^export ([A-Z_]+)=(.*)$/);
    if (m) vars[m[1]!] = m[2]!;
  }
  const dir = vars["ROCD_PW_SANDBOX"];
  if (!dir) throw new Error(`pipewire-sandbox start printed no ROCD_PW_SANDBOX:\n${exports}`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...vars };
  delete env["PIPEWIRE_REMOTE"];

  const watcher = spawn(script, ["watch", String(process.pid), dir], { stdio: "ignore", detached: true });
  watcher.unref();

  const run = (program: string, args: string[], timeoutMs = 20_000): Promise<RunOutput> =>
    runProgram(program, args, { env, timeoutMs, onTimeout: "stop" });

  return {
    dir,
    env,
    run,
    nodeId: async (name) => {
      type Dumped = Array<{ id: number; type: string; info?: { props?: Record<string, unknown> } }>;
      // pw-dump's output was once not one JSON document (a parse error after
      // the first one) while other tests' daemons changed the graph: ask again.
      let objects: Dumped | undefined;
      for (let attempt = 1; objects === undefined; attempt++) {
        const dump = await run("pw-dump", []);
        try {
          objects = JSON.parse(dump.stdout) as Dumped;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
      const node = objects.find(
        (o) => o.type === "PipeWire:Interface:Node" && o.info?.props?.["node.name"] === name,
      );
      return node?.id;
    },
    ensure: async () => {
      await execScript(["ensure", dir]);
    },
    stop: async () => {
      await execScript(["stop", dir]);
    },
  };
}

/**
 * Records `seconds` of a sink's monitor (the file in `dir`, removed after) and returns which share of 50 ms
 * windows carry a tone of `hz` (tone power ten times any other frequency checked,
 * level above -26 dBFS). Windows are short so that the drift compensation's
 * small rate changes do not move the tone out of the detector's band.
 */
export async function recordTone(
  pw: Sandbox,
  sink: string,
  seconds: number,
  hz: number,
  dir: string,
): Promise<{ share: number; frames: number; detail: string }> {
  const file = join(dir, `${sink}-${Date.now()}.wav`);
  await pw.run(
    "pw-record",
    ["--target", sink, "-P", "{ stream.capture.sink=true }", "--format", "f32", "--rate", "48000", "--channels", "2", file],
    seconds * 1000,
  );
  const wav = readWav(file);
  rmSync(file, { force: true });
  const window = wav.rate / 20;
  // The first 200 ms: the recorder's own start-up.
  let windows = 0;
  let toned = 0;
  for (let at = wav.rate / 5; at + window <= wav.samples.length; at += window) {
    const c = checkTone(wav.samples.subarray(at, at + window), hz, wav.rate);
    windows++;
    if (c.tone > 10 * c.other && c.rms > 0.05) toned++;
  }
  const all = checkTone(wav.samples, hz, wav.rate);
  return {
    share: windows === 0 ? 0 : toned / windows,
    frames: wav.samples.length,
    detail: `${toned}/${windows} windows with the tone; whole recording: rms ${all.rms.toFixed(3)}, ${wav.samples.length} frames`,
  };
}

/**
 * recordTone() until at least 80 % of the windows of a recording of 1 s or
 * more carry the tone, at most three times (on a loaded machine the graph
 * can need a moment after a restart); the best recording's figures.
 */
export async function toneShare(pw: Sandbox, sink: string, seconds: number, hz: number, dir: string): Promise<{ share: number; detail: string }> {
  const tries: string[] = [];
  let best = { share: 0, frames: 0, detail: "" };
  for (let i = 0; i < 3; i++) {
    const r = await recordTone(pw, sink, seconds, hz, dir);
    tries.push(r.detail);
    if (r.share > best.share) best = r;
    if (r.share >= 0.8 && r.frames >= 48000) break;
  }
  return { share: best.share, detail: tries.join(" | ") };
}

/** A null sink made with pw-cli; it stays after pw-cli exits (object.linger). */
export async function createNullSink(pw: Sandbox, name: string) {
  const out = await pw.run("pw-cli", [
    "create-node",
    "adapter",
    `{ factory.name=support.null-audio-sink node.name=${name} node.description="${name}" ` +
      `media.class=Audio/Sink audio.position=[ FL FR ] audio.rate=48000 monitor.channel-volumes=true object.linger=true }`,
  ]);
  assert.equal(out.code, 0, out.stderr);
}

export async function destroyNode(pw: Sandbox, name: string) {
  const id = await pw.nodeId(name);
  assert.ok(id !== undefined, `no node ${name}`);
  const out = await pw.run("pw-cli", ["destroy", String(id)]);
  assert.equal(out.code, 0, out.stderr);
}
