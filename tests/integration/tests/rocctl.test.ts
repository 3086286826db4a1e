// rocctl, the command-line client, against the real daemon: every command in
// table form (what people read) and --json (= what the API returns), the
// daemon's state after each change, problem details on stderr, exit
// statuses, ROCD_URL / ROCD_TOKEN / --url / --token / the token file.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import type { components } from "../generated/api.js";
import { startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { assertFetchProblem, uidPattern } from "../harness/http.js";
import { runRocctl, spawnRocctl, type RocctlResult } from "../harness/rocctl.js";
import { freeUdpPort } from "../harness/udp.js";

type Port = components["schemas"]["Port"];
type Stream = components["schemas"]["Stream"];

const self = { params: { path: { peer: "self" } } } as const;
const onePort = (port: string) => ({ params: { path: { peer: "self", port } } }) as const;
const oneStream = (stream: string) => ({ params: { path: { stream } } }) as const;

/** A TCP port nobody listens on (bound, then released). */
async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === "object" && address !== null ? address.port : 0;
}

/** Exit 0, nothing on stderr; returns stdout. */
function ok(r: RocctlResult): string {
  assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 0, stderr: "" }, r.stdout);
  return r.stdout;
}

/** The values of the table row that contains `key` (columns split on 2+ spaces). */
function row(table: string, key: string): string[] {
  const line = table.split("\n").find((l) => l.split(/ {2,}/).includes(key));
  assert.ok(line !== undefined, `no row with ${key} in:\n${table}`);
  return line.split(/ {2,}/);
}

/** `render_object` output: "key: value" lines, nested keys as "parent.key". */
function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const path: string[] = [];
  for (const line of text.split("\n").filter((l) => l.length > 0)) {
    const depth = (line.length - line.trimStart().length) / 2;
    const m = line.trim().match(/^([^:]+):(?: (.*))?$/);
    assert.ok(m, `not a "key: value" line: ${line}`);
    path.length = depth;
    if (m[2] === undefined) path.push(m[1]!);
    else out.set([...path, m[1]!].join("."), m[2]);
  }
  return out;
}

/** A stream as GET returns it, minus what moves on its own (state, metrics). */
function settled(s: Stream): Partial<Stream> {
  const { state: _state, metrics: _metrics, ...rest } = s;
  return rest;
}

/** A 4xx shown as the API's problem: stderr has status, title, detail and field; nothing on stdout. */
function assertProblemShown(
  r: RocctlResult,
  problem: { status: number; title: string; detail?: string | undefined; field?: string | undefined },
) {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, "");
  const line = r.stderr.split("\n")[0]!;
  const detail = problem.detail ?? line.replace(/^rocctl: HTTP \d+ [^:]+: /, "").replace(/ \(field: .*\)$/, "");
  assert.ok(detail.length > 0, `a detail in ${line}`);
  const field = problem.field === undefined ? "" : ` (field: ${problem.field})`;
  assert.equal(line, `rocctl: HTTP ${problem.status} ${problem.title}: ${detail}${field}`);
}

describe("rocctl", () => {
  let d: Daemon;
  let env: Record<string, string>;
  const ctl = (...args: string[]) => runRocctl(args, env);
  let mic: Port;
  let speakers: Port;

  before(async () => {
    d = await startDaemon();
    env = { ROCD_URL: d.baseUrl };
    const ports = (await d.client.GET("/peers/{peer}/ports", self)).data!;
    mic = ports.find((p) => p.system_name === "mock_microphone")!;
    speakers = ports.find((p) => p.system_name === "mock_speakers")!;
    assert.ok(mic && speakers, JSON.stringify(ports));
  });
  after(async () => {
    assert.deepEqual(await d.stop(), { code: 0, signal: null });
  });

  it("status: version, driver and peer; --json is GET /status", async () => {
    const status = (await d.client.GET("/status")).data!;
    const shown = fields(ok(await ctl("status")));
    assert.equal(shown.get("version"), status.version);
    assert.equal(shown.get("driver"), "mock");
    assert.equal(shown.get("peer_uid"), status.peer_uid);
    assert.equal(shown.get("peer_uri"), status.peer_uri);

    const json = JSON.parse(ok(await ctl("status", "--json")));
    const again = (await d.client.GET("/status")).data!;
    assert.ok(json.uptime_s >= status.uptime_s && json.uptime_s <= again.uptime_s, "uptime between two GETs");
    assert.deepEqual({ ...json, uptime_s: 0 }, { ...again, uptime_s: 0 });
  });

  it("peers and peer: the table, --json = the API, --rename changes the display name", async () => {
    const peer = (await d.client.GET("/peers/{peer}", self)).data!;
    const table = ok(await ctl("peers"));
    assert.deepEqual(table.split("\n")[0]!.split(/ {2,}/), ["UID", "NAME", "SELF", "TRUST", "STATE", "RTT MS", "VERSION", "FINGERPRINT"]);
    // This daemon has no trust or state (remote peers do: peers.test.ts).
    assert.deepEqual(row(table, peer.peer_uid), [peer.peer_uid, peer.display_name, "true", "-", "-", "-", peer.version, peer.fingerprint]);
    assert.deepEqual(JSON.parse(ok(await ctl("--json", "peers"))), (await d.client.GET("/peers")).data);

    for (const args of [["peer"], ["peer", "self"], ["peer", peer.peer_uid]]) {
      const shown = fields(ok(await ctl(...args)));
      assert.equal(shown.get("peer_uid"), peer.peer_uid, args.join(" "));
      assert.equal(shown.get("display_name"), peer.display_name);
      assert.equal(shown.get("is_self"), "true");
      assert.deepEqual(JSON.parse(ok(await ctl(...args, "--json"))), peer);
    }

    assert.equal(fields(ok(await ctl("peer", "--rename", "Living room"))).get("display_name"), "Living room");
    assert.equal((await d.client.GET("/peers/{peer}", self)).data!.display_name, "Living room");
    const renamed = JSON.parse(ok(await ctl("peer", peer.peer_uid, "--rename", "Studio", "--json")));
    const now = (await d.client.GET("/peers/{peer}", self)).data!;
    assert.equal(now.display_name, "Studio");
    assert.deepEqual(renamed, now);
    assert.deepEqual(row(ok(await ctl("peers")), peer.peer_uid).slice(0, 2), [peer.peer_uid, "Studio"]);
  });

  it("ports and port get: the table, --json = the API", async () => {
    const ports = (await d.client.GET("/peers/{peer}/ports", self)).data!;
    const table = ok(await ctl("ports"));
    assert.deepEqual(table.split("\n")[0]!.split(/ {2,}/), ["UID", "TYPE", "DIRECTION", "STATE", "CH", "RATE", "NAME", "SYSTEM NAME"]);
    for (const p of ports) {
      assert.deepEqual(row(table, p.port_uid), [
        p.port_uid,
        p.port_type,
        p.direction,
        p.state,
        String(p.channels),
        String(p.rate),
        p.display_name,
        p.system_name,
      ]);
    }
    assert.deepEqual(JSON.parse(ok(await ctl("ports", "--json"))), ports);
    assert.deepEqual(JSON.parse(ok(await ctl("ports", "--peer", "self", "--json"))), ports);

    const shown = fields(ok(await ctl("port", "get", mic.port_uid)));
    assert.equal(shown.get("port_uid"), mic.port_uid);
    assert.equal(shown.get("direction"), "input");
    assert.equal(shown.get("system_name"), "mock_microphone");
    assert.deepEqual(JSON.parse(ok(await ctl("port", "get", mic.port_uid, "--json"))), mic);
  });

  it("port create (virtual speaker and microphone), update and delete change the daemon's ports", async () => {
    // The example, in table form.
    const created = fields(ok(await ctl("port", "create", "--virtual", "speaker", "--name", "Kitchen")));
    const uid = created.get("port_uid")!;
    assert.match(uid, uidPattern);
    assert.equal(created.get("display_name"), "Kitchen");
    assert.equal(created.get("direction"), "output");
    assert.equal(created.get("port_type"), "virtual_device");
    const speaker = (await d.client.GET("/peers/{peer}/ports/{port}", onePort(uid))).data!;
    assert.deepEqual(
      { name: speaker.display_name, direction: speaker.direction, channels: speaker.channels, rate: speaker.rate },
      { name: "Kitchen", direction: "output", channels: 2, rate: 48000 },
    );

    // A microphone with its format, in JSON: what the API now returns for it.
    const micJson = JSON.parse(
      ok(await ctl("--json", "port", "create", "--virtual", "microphone", "--name", "Desk mic", "--channels", "1", "--rate", "16000")),
    ) as Port;
    assert.deepEqual(micJson, (await d.client.GET("/peers/{peer}/ports/{port}", onePort(micJson.port_uid))).data);
    assert.deepEqual(
      { name: micJson.display_name, direction: micJson.direction, channels: micJson.channels, rate: micJson.rate },
      { name: "Desk mic", direction: "input", channels: 1, rate: 16000 },
    );
    // --name is optional: the API's default name.
    const unnamed = JSON.parse(ok(await ctl("port", "create", "--virtual", "microphone", "--json"))) as Port;
    assert.equal(unnamed.display_name, "Virtual microphone");
    assert.deepEqual(row(ok(await ctl("ports")), uid).slice(0, 3), [uid, "virtual_device", "output"]);

    const updated = fields(ok(await ctl("port", "update", uid, "--name", "Terrace", "--volume", "0.5", "--mute", "true")));
    assert.deepEqual([updated.get("display_name"), updated.get("volume"), updated.get("mute")], ["Terrace", "0.5", "true"]);
    const now = (await d.client.GET("/peers/{peer}/ports/{port}", onePort(uid))).data!;
    assert.deepEqual([now.display_name, now.volume, now.mute], ["Terrace", 0.5, true]);
    const unmuted = JSON.parse(ok(await ctl("port", "update", uid, "--mute", "false", "--json"))) as Port;
    assert.deepEqual(unmuted, (await d.client.GET("/peers/{peer}/ports/{port}", onePort(uid))).data);
    assert.equal(unmuted.mute, false);

    for (const port of [uid, micJson.port_uid, unnamed.port_uid]) {
      assert.equal(ok(await ctl("port", "delete", port)), "");
      const gone = await d.client.GET("/peers/{peer}/ports/{port}", onePort(port));
      await assertFetchProblem(gone.response, gone.error, { status: 404, type: "not-found" });
    }
    assert.ok(!ok(await ctl("ports")).includes(uid));
  });

  it("stream create (send with FEC repair, receive), streams, get, update --set, delete", async () => {
    const [media, repair, rxMedia, rxRepair, rxControl] = [
      await freeUdpPort(),
      await freeUdpPort(),
      await freeUdpPort(),
      await freeUdpPort(),
      await freeUdpPort(),
    ];
    // Send: the example, from a port to a Roc receiver with FEC.
    const sent = JSON.parse(
      ok(
        await ctl(
          "stream", "create", "--json",
          "--from", `/peers/self/ports/${mic.port_uid}`,
          "--to", `rtp+rs8m://127.0.0.1:${media}`,
          "--repair", `rs8m://127.0.0.1:${repair}`,
        ),
      ),
    ) as Stream;
    assert.match(sent.stream_uid, uidPattern);
    assert.equal(sent.direction, "send");
    assert.deepEqual(sent.source, { type: "port", port_uri: `/peers/self/ports/${mic.port_uid}` });
    assert.deepEqual(sent.destination, { type: "address", media_uri: `rtp+rs8m://127.0.0.1:${media}`, repair_uri: `rs8m://127.0.0.1:${repair}` });
    const sentNow = (await d.client.GET("/streams/{stream}", oneStream(sent.stream_uid))).data!;
    assert.deepEqual(settled(sent), settled(sentNow));

    // Receive: from local addresses (media, repair, control) to a port, with a setting, in table form.
    const received = fields(
      ok(
        await ctl(
          "stream", "create",
          "--from", `rtp+rs8m://127.0.0.1:${rxMedia}`,
          "--repair", `rs8m://127.0.0.1:${rxRepair}`,
          "--control", `rtcp://127.0.0.1:${rxControl}`,
          "--to", speakers.port_uri,
          "--set", "target_latency_ms=60",
        ),
      ),
    );
    const rxUid = received.get("stream_uid")!;
    assert.match(rxUid, uidPattern);
    assert.equal(received.get("direction"), "receive");
    assert.equal(received.get("source.media_uri"), `rtp+rs8m://127.0.0.1:${rxMedia}`);
    assert.equal(received.get("source.repair_uri"), `rs8m://127.0.0.1:${rxRepair}`);
    assert.equal(received.get("source.control_uri"), `rtcp://127.0.0.1:${rxControl}`);
    assert.equal(received.get("destination.port_uri"), speakers.port_uri);
    assert.equal(Number(received.get("settings.target_latency_ms")), 60);
    const rx = (await d.client.GET("/streams/{stream}", oneStream(rxUid))).data!;
    assert.deepEqual(rx.source, {
      type: "address",
      media_uri: `rtp+rs8m://127.0.0.1:${rxMedia}`,
      repair_uri: `rs8m://127.0.0.1:${rxRepair}`,
      control_uri: `rtcp://127.0.0.1:${rxControl}`,
    });
    assert.equal(rx.settings.target_latency_ms, 60);

    // streams: one row per stream, the port or address of each end.
    const table = ok(await ctl("streams"));
    assert.deepEqual(table.split("\n")[0]!.split(/ {2,}/), ["UID", "DIRECTION", "STATE", "SOURCE", "DESTINATION"]);
    const txRow = row(table, sent.stream_uid);
    assert.deepEqual([txRow[1], txRow[3], txRow[4]], ["send", `/peers/self/ports/${mic.port_uid}`, `rtp+rs8m://127.0.0.1:${media}`]);
    const rxRow = row(table, rxUid);
    assert.deepEqual([rxRow[1], rxRow[3], rxRow[4]], ["receive", `rtp+rs8m://127.0.0.1:${rxMedia}`, speakers.port_uri]);
    const states = ["starting", "active", "idle", "waiting_for_port", "error"];
    assert.ok(states.includes(txRow[2]!) && states.includes(rxRow[2]!), table);
    const list = JSON.parse(ok(await ctl("streams", "--json"))) as Stream[];
    const apiList = (await d.client.GET("/streams")).data!;
    assert.deepEqual(list.map(settled), apiList.map(settled));

    // stream get.
    const got = fields(ok(await ctl("stream", "get", rxUid)));
    assert.equal(got.get("stream_uid"), rxUid);
    assert.ok(got.has("metrics.packets_received"), "metrics shown");
    assert.deepEqual(settled(JSON.parse(ok(await ctl("stream", "get", sent.stream_uid, "--json")))), settled(sentNow));

    // stream update --set: a number, then back to the default with null.
    const updated = fields(ok(await ctl("stream", "update", rxUid, "--set", "target_latency_ms=100", "--set", "resampler_quality=7")));
    assert.equal(Number(updated.get("settings.target_latency_ms")), 100);
    let now = (await d.client.GET("/streams/{stream}", oneStream(rxUid))).data!;
    assert.deepEqual([now.settings.target_latency_ms, now.settings.resampler_quality], [100, 7]);
    const reset = JSON.parse(ok(await ctl("stream", "update", rxUid, "--set", "resampler_quality=null", "--json"))) as Stream;
    now = (await d.client.GET("/streams/{stream}", oneStream(rxUid))).data!;
    assert.equal(now.settings.resampler_quality ?? null, null);
    assert.equal(now.settings.target_latency_ms, 100);
    assert.deepEqual(settled(reset), settled(now));

    // Local: from a port to a port of this peer.
    const local = JSON.parse(ok(await ctl("stream", "create", "--json", "--from", mic.port_uri, "--to", `/peers/self/ports/${speakers.port_uid}`))) as Stream;
    assert.equal(local.direction, "local");
    assert.deepEqual(local.destination, { type: "port", port_uri: `/peers/self/ports/${speakers.port_uid}` });
    assert.deepEqual(settled(local), settled((await d.client.GET("/streams/{stream}", oneStream(local.stream_uid))).data!));
    assert.deepEqual(row(ok(await ctl("streams")), local.stream_uid).slice(0, 2), [local.stream_uid, "local"]);

    // stream delete.
    for (const uid of [sent.stream_uid, rxUid, local.stream_uid]) {
      assert.equal(ok(await ctl("stream", "delete", uid)), "");
      const gone = await d.client.GET("/streams/{stream}", oneStream(uid));
      await assertFetchProblem(gone.response, gone.error, { status: 404, type: "not-found" });
    }
    assert.deepEqual(JSON.parse(ok(await ctl("streams", "--json"))), []);
    assert.equal(ok(await ctl("streams")).trim(), "UID  DIRECTION  STATE  SOURCE  DESTINATION");
  });

  it("events: prints each change as it happens until it is stopped", async () => {
    const peer = (await d.client.GET("/peers/{peer}", self)).data!;
    const human = spawnRocctl(["events", "--snapshot"], env);
    const json = spawnRocctl(["events", "--json", "--snapshot", "--type", "peer_updated,port_updated"], env);
    try {
      // The snapshot first, then a marker: from there on it sees every change.
      await human.waitForLine(/^-  snapshot_end  /);
      const snapshotLine = human.stdout().split("\n").find((l) => l.includes(`"uri":"${peer.peer_uri}"`))!;
      assert.match(snapshotLine, /^-  snapshot  \{/);
      assert.equal(JSON.parse(snapshotLine.replace(/^-  snapshot  /, "")).resource.display_name, peer.display_name);
      await json.waitForLine(/"event":"snapshot_end"/);

      const patched = (await d.client.PATCH("/peers/{peer}", { ...self, body: { display_name: "Evented" } })).data!;
      const line = await human.waitForLine(/^\d+  peer_updated  /);
      const [id, event, data] = line.split("  ");
      assert.equal(event, "peer_updated");
      assert.deepEqual(JSON.parse(data!), patched);
      const jsonLine = JSON.parse(await json.waitForLine(/"event":"peer_updated"/));
      assert.deepEqual(jsonLine, { event: "peer_updated", id, data: patched });

      // A port change made with rocctl itself.
      ok(await ctl("port", "update", mic.port_uid, "--volume", "0.25"));
      const portEvent = JSON.parse(await json.waitForLine(/"event":"port_updated"/));
      assert.deepEqual(portEvent.data, (await d.client.GET("/peers/{peer}/ports/{port}", onePort(mic.port_uid))).data);
      assert.ok(Number(portEvent.id) > Number(id));
      await human.waitForLine(/^\d+  port_updated  /);
      // --type filters: nothing else reached the --json one.
      const events = json.stdout().trim().split("\n").map((l) => JSON.parse(l).event as string);
      assert.ok(events.every((e) => ["snapshot", "snapshot_end", "peer_updated", "port_updated"].includes(e)), events.join());
    } finally {
      for (const p of [human, json]) {
        const end = await p.stop();
        assert.equal(end.signal, "SIGTERM", end.stderr);
        assert.equal(end.stderr, "");
      }
    }
  });

  it("events --count N exits 0 after N messages", async () => {
    const r = await ctl("events", "--json", "--snapshot", "--type", "peer_updated", "--count", "2");
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { event: string; data: { uri?: string } });
    assert.deepEqual(lines.map((l) => l.event), ["snapshot", "snapshot_end"]);
    const bad = await ctl("events", "--count", "0");
    assert.equal(bad.code, 2, bad.stderr);
  });

  it("shows a 4xx as the API's problem detail on stderr, exit status 1, and changes nothing", async () => {
    const missing = "aaaaaa-bbbbbb-cccccc";
    const notFound = await d.client.GET("/streams/{stream}", oneStream(missing));
    const problem = notFound.error as { title: string; detail: string; field?: string };
    assertProblemShown(await ctl("stream", "get", missing), { status: 404, ...problem });
    assertProblemShown(await ctl("stream", "delete", missing, "--json"), { status: 404, ...problem });
    const noPort = await d.client.GET("/peers/{peer}/ports/{port}", onePort(missing));
    assertProblemShown(await ctl("port", "get", missing), { status: 404, ...(noPort.error as { title: string; detail: string }) });

    // Validation errors name the field; the stream keeps its settings.
    const rxPort = await freeUdpPort();
    const rx = JSON.parse(ok(await ctl("stream", "create", "--json", "--from", `rtp://127.0.0.1:${rxPort}`, "--to", speakers.port_uri))) as Stream;
    const bad = await ctl("stream", "update", rx.stream_uid, "--set", "channels=99");
    const api = await d.client.PATCH("/streams/{stream}", { ...oneStream(rx.stream_uid), body: { settings: { channels: 99 } } });
    assertProblemShown(bad, { status: 400, ...(api.error as { title: string; detail: string; field: string }) });
    assert.equal(api.error!.field, "settings.channels");
    assert.deepEqual((await d.client.GET("/streams/{stream}", oneStream(rx.stream_uid))).data!.settings, rx.settings);
    // 409: the address is taken by that stream.
    const taken = await ctl("stream", "create", "--from", `rtp://127.0.0.1:${rxPort}`, "--to", speakers.port_uri);
    assertProblemShown(taken, { status: 409, title: "Conflict", field: "source.media_uri" });
    assertProblemShown(await ctl("stream", "create", "--from", mic.port_uri, "--to", "rtp://127.0.0.1"), {
      status: 400,
      title: "Bad Request",
      field: "destination.media_uri",
    });
    assertProblemShown(await ctl("port", "update", mic.port_uid), { status: 400, title: "Bad Request" });
    assertProblemShown(await ctl("port", "create", "--virtual", "speaker", "--name", "x".repeat(65)), {
      status: 400,
      title: "Bad Request",
      field: "display_name",
    });
    assertProblemShown(await ctl("events", "--type", "bogus"), { status: 400, title: "Bad Request", detail: "unknown event type 'bogus'", field: "type" });
    assert.equal((await d.client.GET("/streams")).data!.length, 1);
    ok(await ctl("stream", "delete", rx.stream_uid));
  });

  it("bad command lines are usage errors (exit 2) that send nothing", async () => {
    const before = JSON.stringify([(await d.client.GET("/peers")).data, (await d.client.GET("/peers/{peer}/ports", self)).data]);
    const cases: Array<[string[], RegExp]> = [
      [[], /A subcommand is required/],
      [["frobnicate"], /frobnicate|subcommand/],
      [["port"], /A subcommand is required/],
      [["port", "create", "--name", "Kitchen"], /--virtual is required/],
      [["port", "create", "--virtual", "television"], /--virtual: .*television/],
      [["port", "create", "--virtual", "speaker", "--channels", "two"], /--channels/],
      [["port", "get"], /uid is required/],
      [["stream", "create", "--from", mic.port_uri], /--to is required/],
      [["stream", "create", "--from", mic.port_uri, "--to", mic.port_uri, "--repair", "rs8m://127.0.0.1:1"], /no address side/],
      [["stream", "update", "aaaaaa-bbbbbb-cccccc"], /--set is required/],
      [["stream", "update", "aaaaaa-bbbbbb-cccccc", "--set", "latency"], /--set: takes KEY=VALUE, got 'latency'/],
      [["peers", "--colour"], /--colour/],
      [["--url", "ftp://127.0.0.1:1", "peers"], /--url must look like http:\/\/HOST:PORT/],
    ];
    for (const [args, message] of cases) {
      const r = await ctl(...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "", args.join(" "));
      assert.match(r.stderr, message, args.join(" "));
    }
    const help = await ctl("--help");
    assert.equal(help.code, 0);
    for (const command of ["status", "peers", "peer", "ports", "port", "streams", "stream", "events", "--json", "ROCD_URL", "ROCD_TOKEN"]) {
      assert.ok(help.stdout.includes(command), `--help mentions ${command}`);
    }
    const after = JSON.stringify([(await d.client.GET("/peers")).data, (await d.client.GET("/peers/{peer}/ports", self)).data]);
    assert.equal(after, before);
  });

  it("an unreachable daemon is a clear error with exit status 3", async () => {
    const port = await closedTcpPort();
    for (const r of [await runRocctl(["status"], { ROCD_URL: `http://127.0.0.1:${port}` }), await runRocctl(["--url", `http://127.0.0.1:${port}`, "events"])]) {
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, new RegExp(`^rocctl: cannot connect to rocd at 127\\.0\\.0\\.1:${port}: .*refused`));
    }
  });

  it("--url wins over ROCD_URL, and either works anywhere on the line", async () => {
    const dead = `http://127.0.0.1:${await closedTcpPort()}`;
    const peers = (await d.client.GET("/peers")).data;
    assert.deepEqual(JSON.parse(ok(await runRocctl(["--url", d.baseUrl, "--json", "peers"], { ROCD_URL: dead }))), peers);
    assert.deepEqual(JSON.parse(ok(await runRocctl(["peers", "--json", "--url", d.baseUrl]))), peers);
    assert.equal((await runRocctl(["peers", "--url", dead], env)).code, 3);
  });
});

describe("rocctl events and the daemon going away", () => {
  it("ends, exit status 0, when the daemon ends the stream (SIGTERM)", async () => {
    const d = await startDaemon();
    const events = spawnRocctl(["events", "--snapshot"], { ROCD_URL: d.baseUrl });
    try {
      await events.waitForLine(/snapshot_end/);
      assert.deepEqual(await d.stop(), { code: 0, signal: null });
      const end = await events.exited();
      assert.deepEqual({ code: end.code, signal: end.signal, stderr: end.stderr }, { code: 0, signal: null, stderr: "" });
    } finally {
      await events.stop("SIGKILL");
      await d.stop();
    }
  });
});

describe("rocctl with --require-token", () => {
  it("sends ROCD_TOKEN, --token (which wins) or the daemon's token file; 401 without", async (t) => {
    // The state directory is $XDG_STATE_HOME/rocd, where rocctl looks for the token file.
    const xdg = tempDir();
    t.after(() => xdg.remove());
    const d = await startDaemon({ stateDir: join(xdg.path, "rocd"), args: ["--require-token"] });
    try {
      const token = readFileSync(join(xdg.path, "rocd", "api-token"), "utf8").trim();
      const authed = d.clientWith({ Authorization: `Bearer ${token}` });
      const peers = (await authed.GET("/peers")).data;
      const url = { ROCD_URL: d.baseUrl };

      // Without a token, or a wrong one: the API's problem, and where a token comes from.
      const missing = (await d.client.GET("/status")).error as { title: string; detail: string };
      const wrong = (await d.clientWith({ Authorization: "Bearer wrong" }).GET("/status")).error as { title: string; detail: string };
      for (const [r, problem] of [
        [await runRocctl(["peers"], url), missing],
        [await runRocctl(["events"], url), missing],
        [await runRocctl(["peers"], { ...url, ROCD_TOKEN: "wrong" }), wrong],
        [await runRocctl(["peers", "--token", "wrong"], { ...url, ROCD_TOKEN: token }), wrong], // --token wins
      ] as const) {
        assertProblemShown(r, { status: 401, ...problem });
        assert.match(r.stderr, /--token, ROCD_TOKEN or the daemon's api-token file/);
      }

      assert.deepEqual(JSON.parse(ok(await runRocctl(["peers", "--json"], { ...url, ROCD_TOKEN: token }))), peers);
      assert.deepEqual(JSON.parse(ok(await runRocctl(["peers", "--json", "--token", token], url))), peers);
      assert.deepEqual(JSON.parse(ok(await runRocctl(["--token", token, "peers", "--json"], { ...url, ROCD_TOKEN: "wrong" }))), peers);
      // No token given: the daemon's token file under $XDG_STATE_HOME/rocd.
      assert.deepEqual(JSON.parse(ok(await runRocctl(["peers", "--json"], { ...url, XDG_STATE_HOME: xdg.path }))), peers);

      // A change with the token is made; the refused one was not.
      assert.equal((await runRocctl(["peer", "--rename", "intruder"], url)).code, 1);
      ok(await runRocctl(["peer", "--rename", "owner"], { ...url, ROCD_TOKEN: token }));
      assert.equal((await authed.GET("/peers/{peer}", self)).data!.display_name, "owner");

      // events with a token.
      const events = spawnRocctl(["events", "--snapshot"], { ...url, ROCD_TOKEN: token });
      try {
        await events.waitForLine(/snapshot_end/);
      } finally {
        await events.stop();
      }
      assert.ok(!d.logs().includes(token), "the token never appears in the log");
    } finally {
      await d.stop();
    }
  });
});
