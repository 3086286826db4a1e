// The YAML config file: errors name the key and line; defaults < config file
// < command line.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { runRocd, startDaemon, tempDir } from "../harness/daemon.js";

/** Runs rocd with `yaml` as its config file; the start-up must fail. */
async function failingConfig(yaml: string, extra: string[] = []) {
  const dir = tempDir();
  try {
    const file = join(dir.path, "rocd.yaml");
    writeFileSync(file, yaml);
    const run = await runRocd(["--config", file, "--state-dir", join(dir.path, "state"), "--listen", "127.0.0.1:0", ...extra]);
    assert.notEqual(run.code, 0, `rocd accepted:\n${yaml}\n${run.stderr}`);
    assert.equal(run.signal, null);
    assert.doesNotMatch(run.stderr, /listening on/);
    return { ...run, file };
  } finally {
    dir.remove();
  }
}

describe("config file", () => {
  it("an unknown key: exit non-zero, naming the key, the file and the line", async () => {
    const run = await failingConfig("driver: mock\nverbosity: 1\nlisten_adress: 127.0.0.1:0\n");
    assert.ok(run.stderr.includes(`${run.file}:3`), run.stderr);
    assert.match(run.stderr, /unknown key 'listen_adress'/);
    assert.match(run.stderr, /known keys:.*\blisten\b/, "lists the keys it knows");
  });

  it("a wrong type or value: exit non-zero, naming the key and the line", async () => {
    const cases: Array<[string, string, number]> = [
      ["driver: mock\nmax_connections: lots\n", "max_connections", 2],
      ["\n\nheader_timeout_ms: [500]\n", "header_timeout_ms", 3],
      ["idle_timeout_ms: 0\n", "idle_timeout_ms", 1],
      ["verbosity: 9\n", "verbosity", 1],
      ["require_token: yes please\n", "require_token", 1],
      ["log_format: xml\n", "log_format", 1],
      ["driver: alsa\n", "driver", 1],
      ["# comment\ncors_allowed_origins: http://a.example\n", "cors_allowed_origins", 2],
      ["listen: nowhere\n", "listen", 1],
      ["tls_cert: {a: 1}\n", "tls_cert", 1],
    ];
    for (const [yaml, key, line] of cases) {
      const run = await failingConfig(yaml);
      assert.ok(run.stderr.includes(`${run.file}:${line}`), `${key}: line ${line} in ${run.stderr}`);
      assert.ok(run.stderr.includes(`'${key}'`), `${key} named in ${run.stderr}`);
    }
  });

  it("invalid YAML and a non-mapping: exit non-zero with the line", async () => {
    const bad = await failingConfig("driver: mock\nlisten: [unclosed\n");
    assert.match(bad.stderr, /invalid YAML/);
    assert.ok(bad.stderr.includes(bad.file), bad.stderr);
    const list = await failingConfig("- driver\n- mock\n");
    assert.ok(list.stderr.includes(`${list.file}:1`), list.stderr);
  });

  it("a missing config file: exit non-zero naming it", async () => {
    const run = await runRocd(["--config", "/nonexistent/rocd.yaml", "--listen", "127.0.0.1:0"]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /\/nonexistent\/rocd\.yaml/);
  });

  it("a TLS certificate without a key is refused", async () => {
    const run = await failingConfig("tls_cert: /tmp/cert.pem\n");
    assert.match(run.stderr, /tls_key/);
  });

  it("precedence: defaults < config file < command line", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const fromFile = join(dir.path, "state-from-file");
    const fromCli = join(dir.path, "state-from-cli");
    const noPipeWire = tempDir();
    t.after(() => noPipeWire.remove());
    // An environment where no PipeWire server can be reached.
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: noPipeWire.path };
    delete env.PIPEWIRE_REMOTE;
    delete env.PIPEWIRE_RUNTIME_DIR;

    // Defaults: the PipeWire driver (seen here through its start-up error), text logs.
    const defaults = await runRocd(["--listen", "127.0.0.1:0", "--state-dir", join(dir.path, "state-default")], 10000, env);
    assert.notEqual(defaults.code, 0);
    assert.match(defaults.stderr, /PipeWire/);
    assert.match(defaults.stderr, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} error /m, "text logs by default");

    // The file overrides the defaults (its listen address is used as well).
    const config = `listen: 127.0.0.1:0\ndriver: mock\nstate_dir: ${fromFile}\nlog_format: json\n`;
    const file = await startDaemon({ config, driver: null, stateDir: null, listen: false });
    let fileUid: string;
    try {
      const status = (await file.client.GET("/status")).data!;
      assert.equal(status.driver, "mock");
      fileUid = status.peer_uid;
      const lines = file.logs().split("\n").filter((l) => l.length > 0);
      const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
      const listening = messages.find((m) => m.includes("listening on"));
      assert.ok(listening?.includes(`state ${fromFile}`), file.logs());
    } finally {
      await file.stop();
    }

    // The command line overrides the file (whose PipeWire driver would fail here).
    const cli = await startDaemon({
      config: config.replace("driver: mock", "driver: pipewire"),
      driver: "mock",
      stateDir: fromCli,
      listen: true,
      args: ["--log-format", "text"],
    });
    try {
      const status = (await cli.client.GET("/status")).data!;
      assert.equal(status.driver, "mock");
      assert.notEqual(status.peer_uid, fileUid, "another state directory, another peer");
      assert.ok(cli.logs().includes(`state ${fromCli}`), cli.logs());
      assert.doesNotMatch(cli.logs(), /^\{/m, "text logs");
    } finally {
      await cli.stop();
    }

    // And the file's settings still apply where the command line is silent.
    const mixed = await startDaemon({ config: "max_connections: 1\nheader_timeout_ms: 800\n", args: ["--log-format", "json"] });
    try {
      assert.equal((await mixed.client.GET("/status")).response.status, 200);
      assert.doesNotThrow(() => JSON.parse(mixed.logs().split("\n")[0]!));
    } finally {
      await mixed.stop();
    }
  });

  it("an empty config file changes nothing", async () => {
    const d = await startDaemon({ config: "" });
    try {
      assert.equal((await d.client.GET("/status")).data!.driver, "mock");
    } finally {
      await d.stop();
    }
  });
});

describe("command line", () => {
  it("invalid options: exit non-zero naming the option", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--listen", "127.0.0.1:99999"], /--listen.*65535/],
      [["--listen", "no-port"], /--listen/],
      [["--driver", "alsa"], /--driver.*alsa/],
      [["--log-format", "xml"], /--log-format/],
      [["--bogus"], /--bogus/],
      [["--tls-cert", "/tmp/only-a-cert.pem"], /tls_key/],
    ];
    for (const [args, message] of cases) {
      const run = await runRocd(["--state-dir", "/nonexistent/never-created", ...args]);
      assert.notEqual(run.code, 0, args.join(" "));
      assert.match(run.stdout + run.stderr, message);
      assert.doesNotMatch(run.stderr, /listening on/);
    }
  });

  it("a port in use: exit non-zero naming the address", async () => {
    const first = await startDaemon();
    const dir = tempDir();
    try {
      const run = await runRocd(["--listen", `127.0.0.1:${first.port}`, "--state-dir", join(dir.path, "state"), "--driver", "mock"]);
      assert.notEqual(run.code, 0);
      assert.ok(run.stderr.includes(`127.0.0.1:${first.port}`), run.stderr);
      assert.equal((await first.client.GET("/status")).response.status, 200, "the first daemon is undisturbed");
    } finally {
      dir.remove();
      await first.stop();
    }
  });

  it("TLS files that cannot be loaded: exit non-zero naming them", async () => {
    const dir = tempDir();
    try {
      const cert = join(dir.path, "cert.pem");
      writeFileSync(cert, "not a certificate\n");
      const run = await runRocd(["--listen", "127.0.0.1:0", "--driver", "mock", "--state-dir", join(dir.path, "state"), "--tls-cert", cert, "--tls-key", cert]);
      assert.notEqual(run.code, 0);
      assert.ok(run.stderr.includes(cert), run.stderr);
    } finally {
      dir.remove();
    }
  });
});
