// Child processes of the tests: every one is tracked, so that a test process
// that ends (even on a failure) kills what it started, by pid; and one way to
// run a program to completion with a time limit.
import { spawn, type ChildProcess } from "node:child_process";

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

/** Starts `bin args...` with piped stdout/stderr, tracked until it exits. */
export function spawnTracked(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env });
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /**
   * At the time limit: "fail" kills the program and rejects (it should have
   * ended); "stop" ends it with SIGTERM and resolves with what it printed
   * (recorders and players run for as long as the test wants).
   */
  onTimeout?: "fail" | "stop";
}

/** Runs `bin args...` to completion. */
export function runProgram(bin: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { env = process.env, timeoutMs = 10_000, onTimeout = "fail" } = opts;
  return new Promise((resolveRun, reject) => {
    const child = spawnTracked(bin, args, env);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => {
      if (onTimeout === "stop") {
        child.kill("SIGTERM");
        return;
      }
      child.kill("SIGKILL");
      reject(new Error(`${bin} ${args.join(" ")} still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
}
