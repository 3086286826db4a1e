// Runs the rocctl command-line client: to completion (runRocctl) or as a
// long-running process whose output is read as it comes (spawnRocctl, for
// `rocctl events`). The environment is the caller's `env` on top of a clean
// one: no ROCD_URL / ROCD_TOKEN from the shell, and HOME / XDG_STATE_HOME in
// an empty directory so that no token file of the user is picked up.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { rocdBin } from "./daemon.js";
import { runProgram, spawnTracked, type RunResult } from "./process.js";

/** The rocctl binary under test: $ROCCTL_BIN, else the one next to rocd. */
export const rocctlBin = process.env.ROCCTL_BIN ?? join(dirname(rocdBin), "rocctl");

export type RocctlResult = RunResult;

const emptyHome = mkdtempSync(join(tmpdir(), "rocctl-home-"));

function environment(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, HOME: emptyHome, XDG_STATE_HOME: join(emptyHome, "state") };
  delete out.ROCD_URL;
  delete out.ROCD_TOKEN;
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Runs `rocctl args...` to completion; fails if it takes longer than timeoutMs. */
export function runRocctl(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 5000,
): Promise<RocctlResult> {
  return runProgram(rocctlBin, args, { env: environment(env), timeoutMs });
}

export interface RocctlProcess {
  pid: number;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when it ends by itself; rejects after timeoutMs. */
  exited(timeoutMs?: number): Promise<RocctlResult>;
  /** Sends `signal` (default SIGTERM) to this process and waits for it to end. */
  stop(signal?: NodeJS.Signals): Promise<RocctlResult>;
}

/** Starts `rocctl args...` and leaves it running (e.g. `rocctl events`). */
export function spawnRocctl(args: string[], env: Record<string, string | undefined> = {}): RocctlProcess {
  const child = spawnTracked(rocctlBin, args, environment(env));
  let stdout = "";
  let stderr = "";
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const w of waiters.slice()) w();
  };
  child.stdout!.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
    wake();
  });
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const closed = new Promise<RocctlResult>((resolveClose) => {
    child.on("close", (code, signal) => {
      wake();
      resolveClose({ code, signal, stdout, stderr });
    });
  });
  let ended = false;
  void closed.then(() => (ended = true));

  return {
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForLine: (pattern, timeoutMs = 5000) =>
      new Promise((resolveLine, reject) => {
        const check = () => {
          const line = stdout.split("\n").find((l) => pattern.test(l));
          if (line !== undefined) {
            done();
            resolveLine(line);
          } else if (ended) {
            done();
            reject(new Error(`rocctl ${args.join(" ")} ended before printing ${pattern}:\n${stdout}\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`rocctl ${args.join(" ")} did not print ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          const i = waiters.indexOf(check);
          if (i >= 0) waiters.splice(i, 1);
        };
        waiters.push(check);
        check();
      }),
    exited: (timeoutMs = 5000) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`rocctl ${args.join(" ")} still running after ${timeoutMs} ms`)), timeoutMs);
      });
      return Promise.race([closed, late]).finally(() => clearTimeout(timer));
    },
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal); // this pid only
      return closed;
    },
  };
}
