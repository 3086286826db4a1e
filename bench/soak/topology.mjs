// What the soak's daemon carries: 50 streams at steady state.
//
//   judged A  rocd-send (tone WAV) --rtp+rs8m--> receive stream --> rocd_sandbox_sink_1
//             (pw-record of the sink's monitor judges it; the RTP flood aims here)
//   judged B  pw-play (tone WAV) --> virtual speaker "soak tone" --> send stream --rtp--> rocd-recv
//   24 pairs  send stream (null source or a virtual speaker nobody plays into)
//             --rtp or rtp+rs8m, 127.0.0.1--> receive stream (into rocd_sandbox_sink_2
//             or one of 4 virtual microphones, which pw-record reads): silence,
//             but every stage runs
//
// 2 + 24 × 2 = 50 streams, 9 virtual devices of rocd's own, 3 sandbox devices.
import { freeUdpPort } from "./api.mjs";
import { sleep } from "./procs.mjs";

export const sandboxDevices = ["rocd_sandbox_sink_1", "rocd_sandbox_sink_2", "rocd_sandbox_source_1"];
const backgroundPairs = 24;

/** Ports by system name, once every one of `names` is present. */
export async function waitForPorts(api, names, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ports = await api.call("GET", "/peers/self/ports");
    const byName = new Map(ports.filter((p) => p.state === "present").map((p) => [p.system_name, p]));
    if (names.every((n) => byName.has(n))) return byName;
    if (Date.now() > deadline) {
      throw new Error(`ports not present after ${timeoutMs} ms: ${names.filter((n) => !byName.has(n)).join(", ")}`);
    }
    await sleep(100);
  }
}

const portEnd = (port) => ({ type: "port", port_uri: port.port_uri });
const address = (media, repair) =>
  repair
    ? { type: "address", media_uri: `rtp+rs8m://127.0.0.1:${media}`, repair_uri: `rs8m://127.0.0.1:${repair}` }
    : { type: "address", media_uri: `rtp://127.0.0.1:${media}` };

/**
 * Creates the virtual devices and the 50 static streams. Returns the ports
 * the real chains use and `streams` (uid → the stream as created), the set
 * that must still be there, unchanged, at the end.
 */
export async function build(api, usedPorts) {
  const sandbox = await waitForPorts(api, sandboxDevices);
  const virtual = async (direction, name) =>
    api.call("POST", "/peers/self/ports", {
      port_type: "virtual_device",
      direction,
      display_name: name,
      channels: 2,
      rate: 48000,
    });
  const toneIn = await virtual("output", "soak tone in");
  const speakers = [];
  const mics = [];
  for (let i = 1; i <= 4; i++) speakers.push(await virtual("output", `soak speaker ${i}`));
  for (let i = 1; i <= 4; i++) mics.push(await virtual("input", `soak mic ${i}`));

  const streams = new Map();
  const create = async (body) => {
    const s = await api.call("POST", "/streams", body);
    streams.set(s.stream_uid, s);
    return s;
  };
  const free = () => freeUdpPort(usedPorts);

  // Judged A: the receive side in rocd; rocd-send is started by the caller.
  const a = { media: await free(), repair: await free() };
  a.stream = await create({
    source: address(a.media, a.repair),
    destination: portEnd(sandbox.get("rocd_sandbox_sink_1")),
  });
  // Judged B: the send side in rocd; rocd-recv must be bound before packets come, so only the port here.
  const b = { media: await free(), speaker: toneIn };

  const backgroundReceivePorts = [];
  for (let i = 0; i < backgroundPairs; i++) {
    const fec = i % 3 === 0;
    const media = await free();
    const repair = fec ? await free() : undefined;
    backgroundReceivePorts.push(media);
    await create({
      source: address(media, repair),
      destination: portEnd(i < mics.length ? mics[i] : sandbox.get("rocd_sandbox_sink_2")),
    });
    await create({
      source: portEnd(i % 5 === 0 ? sandbox.get("rocd_sandbox_source_1") : speakers[i % speakers.length]),
      destination: address(media, repair),
    });
  }
  const deviceNames = [...sandboxDevices, toneIn.system_name, ...speakers.map((p) => p.system_name), ...mics.map((p) => p.system_name)];
  return { sandbox, a, b, mics, streams, deviceNames, backgroundReceivePorts };
}

/** Judged B's send stream, once rocd-recv listens. */
export async function createJudgedSend(api, topology) {
  const s = await api.call("POST", "/streams", {
    source: portEnd(topology.b.speaker),
    destination: address(topology.b.media),
  });
  topology.streams.set(s.stream_uid, s);
  topology.b.stream = s;
}

/**
 * The churn client's streams: even steps a receive stream on a port of a
 * small pool into rocd_sandbox_sink_2 (nothing sends to it: it goes idle),
 * odd steps a send stream from the null source to a port nobody binds.
 */
export async function churnBodies(topology, usedPorts) {
  const pool = [];
  for (let i = 0; i < 8; i++) pool.push(await freeUdpPort(usedPorts));
  const deadPort = await freeUdpPort(usedPorts);
  const sink = portEnd(topology.sandbox.get("rocd_sandbox_sink_2"));
  const source = portEnd(topology.sandbox.get("rocd_sandbox_source_1"));
  return (step) => {
    if (step % 2 === 0 && pool.length > 0) {
      const port = pool.shift();
      return {
        body: { source: address(port), destination: sink, settings: { target_latency_ms: 150 } },
        release: () => pool.push(port),
      };
    }
    return { body: { source, destination: address(deadPort) }, release: () => {} };
  };
}
