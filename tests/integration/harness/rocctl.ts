// Runs the rocctl command-line client: to completion (runRocctl) or as a
// long-running process whose output is read as it comes (spawnRocctl, for
// `rocctl events`). The environment is the caller's `env` on top of a clean
// one: no ROCD_URL / ROCD_TOKEN from the shell, and HOME / XDG_STATE_HOME in
// an empty directory so that no token file of the user is picked up.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { rocdBin } from "./daemon.js";

/** The rocctl binary under test: $ROCCTL_BIN, else the one next to rocd. */
export const rocctlBin = process.env.ROCCTL_BIN ?? join(dirname(rocdBin), "rocctl");

export interface RocctlResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

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

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

/** Runs `rocctl args...` to completion; fails if it takes longer than timeoutMs. */
export function runRocctl(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 5000,
): Promise<RocctlResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(rocctlBin, args, { stdio: ["ignore", "pipe", "pipe"], env: environment(env) });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`rocctl ${args.join(" ")} still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
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
  const child = spawn(rocctlBin, args, { stdio: ["ignore", "pipe", "pipe"], env: environment(env) });
  running.add(child);
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
      running.delete(child);
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
