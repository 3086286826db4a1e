// Starts the real rocd binary for a test and hands back a typed client.
//
// Every daemon gets an ephemeral port (--listen 127.0.0.1:0; the port is read
// from the "listening on" log line) and, unless the test brings its own, a
// fresh temporary state directory. stop()/kill9() end exactly the process
// that startDaemon() spawned (by its pid) and remove what the harness
// created.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import createClient, { type Client } from "openapi-fetch";

import type { paths } from "../generated/api.js";
import { contractMiddleware } from "./contract.js";
import { runProgram, spawnTracked, type RunResult } from "./process.js";

export type { RunResult } from "./process.js";

const here = dirname(fileURLToPath(import.meta.url));
// Works from harness/ (tsc --noEmit) and from out/harness/ (compiled).
export const integrationDir = here.includes(`${join("out", "harness")}`) ? resolve(here, "..", "..") : resolve(here, "..");

/** The root of this repository. */
export const repoRoot = resolve(integrationDir, "..", "..");

/** The rocd binary under test: $ROCD_BIN, else the release build of this tree. */
export const rocdBin = process.env.ROCD_BIN ?? resolve(integrationDir, "..", "..", "build", "release", "bin", "rocd");

/** The repository's API document (the contract the client is generated from). */
export const openapiPath = resolve(integrationDir, "..", "..", "api", "openapi.yaml");

export type ApiClient = Client<paths>;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DaemonOptions {
  /**
   * State directory to use; default: a fresh temporary one, removed on stop;
   * null: pass no --state-dir (the config file decides).
   */
  stateDir?: string | null;
  /** --driver value; null: pass no --driver (the config file or default decides). */
  driver?: string | null;
  /** Pass --listen 127.0.0.1:0 (default true); false when a config file sets it. */
  listen?: boolean;
  /**
   * --p2p-listen value (default 127.0.0.1:0: tests run daemons side by side,
   * and none may take the default port on every interface); null: pass none
   * (the config file decides).
   */
  p2pListen?: string | null;
  /**
   * --discovery value (default static: a test daemon must not announce
   * itself over DNS-SD on the machine's network, nor dial what it finds
   * there); null: pass none (the config file decides).
   */
  discovery?: string | null;
  /** YAML text of a config file, written to a temporary file and passed as --config. */
  config?: string;
  /** More command-line arguments. */
  args?: string[];
  /** Bearer token the client sends. */
  token?: string;
  /** How long to wait for the listening line (ms). */
  startTimeoutMs?: number;
  /** The daemon's environment (default: this process's), e.g. a PipeWire sandbox's. */
  env?: NodeJS.ProcessEnv;
  /** A command that runs rocd (its path and arguments appended) in place of rocd itself; it must exec it. */
  wrapper?: string[];
}

export interface Daemon {
  pid: number;
  port: number;
  /** http://127.0.0.1:PORT (https:// when TLS is on). */
  baseUrl: string;
  /** The --state-dir passed, or null if none was. */
  stateDir: string | null;
  /**
   * Generated from api/openapi.yaml; sends the token given in the options, if
   * any; every answer is checked against the document (harness/contract.ts).
   */
  client: ApiClient;
  /** A client with other headers (e.g. another token). */
  clientWith(headers: Record<string, string>): ApiClient;
  /** Everything the daemon wrote to stderr and stdout so far. */
  logs(): string;
  /** Resolves when a log line matches. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit status once the process is gone. */
  exited: Promise<Exit>;
  /** Sends a signal to the daemon and returns at once. */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` (default SIGTERM), waits for the exit, cleans up. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  /** SIGKILL: no chance to clean anything up; then removes temp dirs. */
  kill9(): Promise<Exit>;
}

/** A temporary directory the caller owns (remove() it, e.g. in t.after). */
export function tempDir(prefix = "rocd-it-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  const scratch = tempDir();
  const stateDir = opts.stateDir === undefined ? join(scratch.path, "state") : opts.stateDir;
  const args: string[] = stateDir === null ? [] : ["--state-dir", stateDir];
  if (opts.listen ?? true) {
    args.push("--listen", "127.0.0.1:0");
  }
  const p2pListen = opts.p2pListen === undefined ? "127.0.0.1:0" : opts.p2pListen;
  if (p2pListen !== null) {
    args.push("--p2p-listen", p2pListen);
  }
  const discovery = opts.discovery === undefined ? "static" : opts.discovery;
  if (discovery !== null) {
    args.push("--discovery", discovery);
  }
  const driver = opts.driver === undefined ? "mock" : opts.driver;
  if (driver !== null) {
    args.push("--driver", driver);
  }
  if (opts.config !== undefined) {
    const configPath = join(scratch.path, "rocd.yaml");
    writeFileSync(configPath, opts.config);
    args.push("--config", configPath);
  }
  args.push(...(opts.args ?? []));

  const child = opts.wrapper
    ? spawnTracked(opts.wrapper[0]!, [...opts.wrapper.slice(1), rocdBin, ...args], opts.env ?? process.env)
    : spawnTracked(rocdBin, args, opts.env ?? process.env);
  let output = "";
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const w of waiters.slice()) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);

  // "close", not "exit": it comes once stdout and stderr are drained too, so
  // that logs() holds every line the daemon wrote before it ended.
  let exitStatus: Exit | undefined;
  const exited = new Promise<Exit>((resolveExit) => {
    child.on("close", (code, signal) => {
      exitStatus = { code, signal };
      for (const w of waiters.slice()) w();
      resolveExit(exitStatus);
    });
  });

  const waitForLog = (pattern: RegExp, timeoutMs = 5000): Promise<string> =>
    new Promise((resolveLog, reject) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) {
          done();
          resolveLog(match[0]);
        } else if (exitStatus !== undefined) {
          done();
          reject(new Error(`rocd exited (${child.exitCode ?? child.signalCode}) before logging ${pattern}:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`rocd did not log ${pattern} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        const i = waiters.indexOf(check);
        if (i >= 0) waiters.splice(i, 1);
      };
      waiters.push(check);
      check();
    });

  const cleanup = () => scratch.remove();
  let line: string;
  try {
    line = await waitForLog(/listening on (https?):\/\/([^ ]+):(\d+) \(peer/, opts.startTimeoutMs ?? 10000);
  } catch (e) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    cleanup();
    throw e;
  }
  const m = line.match(/listening on (https?):\/\/([^ ]+):(\d+) \(peer/)!;
  const scheme = m[1]!;
  const port = Number(m[3]);
  const baseUrl = `${scheme}://127.0.0.1:${port}`;

  const makeClient = (headers: Record<string, string>): ApiClient => {
    const client = createClient<paths>({ baseUrl, headers });
    client.use(contractMiddleware);
    return client;
  };
  const defaultHeaders: Record<string, string> = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};

  const end = async (signal: NodeJS.Signals): Promise<Exit> => {
    if (exitStatus === undefined && child.exitCode === null && child.signalCode === null) {
      child.kill(signal); // this child's pid only
    }
    const status = await exited;
    cleanup();
    // Under the asan preset, a sanitizer report fails the test that caused it.
    const report = output.match(/^.*(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:).*$/m);
    if (report) {
      throw new Error(`rocd (pid ${child.pid}) reported: ${report[0]}\n${output}`);
    }
    return status;
  };

  return {
    pid: child.pid!,
    port,
    baseUrl,
    stateDir,
    client: makeClient(defaultHeaders),
    clientWith: (headers) => makeClient(headers),
    logs: () => output,
    waitForLog,
    exited,
    signal: (signal) => {
      if (exitStatus === undefined) child.kill(signal);
    },
    stop: (signal = "SIGTERM") => end(signal),
    kill9: () => end("SIGKILL"),
  };
}

/** Runs rocd to completion (for --version, --rotate-token, start-up errors). */
export function runRocd(args: string[], timeoutMs = 10000, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  // As startDaemon: a daemon that gets as far as listening must not take the
  // default peer port on every interface.
  // Nor announce itself over DNS-SD.
  const p2p = args.includes("--p2p-listen") ? [] : ["--p2p-listen", "127.0.0.1:0"];
  const discovery = args.includes("--discovery") ? [] : ["--discovery", "static"];
  return runProgram(rocdBin, [...args, ...p2p, ...discovery], { env, timeoutMs });
}
