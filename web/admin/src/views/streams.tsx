// Every stream this daemon holds or coordinated, and one stream in detail:
// its state with the reason, its settings (target latency, FEC, packet
// length: editable), both ends' figures when it joins two peers, and live
// graphs of latency, jitter, loss, recovered packets and drift.
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";

import { api, describe, type Stream } from "../api";
import { metricsOf, streamList, streams } from "../live";
import { ErrorLine, Head, peerName, peerUidOf, portName, StateBadge } from "./common";

function endLabel(end: Stream["source"]): string {
  const e = end as { type: string; port_uri?: string; media_uri?: string };
  return e.type === "port" ? portName(e.port_uri) : (e.media_uri ?? "");
}

export function StreamList({ onOpen }: { onOpen: (uid: string) => void }) {
  const list = [...streamList.value].sort((a, b) => a.stream_uid.localeCompare(b.stream_uid));
  return (
    <section aria-labelledby="streams-title">
      <h2 id="streams-title">Streams</h2>
      {list.length === 0 ? <p>No streams yet: connect a source to a destination in Routing.</p> : null}
      <table class="streams">
        <Head columns={["Source", "Destination", "Kind", "State"]} actions="Open" />
        <tbody>
          {list.map((s) => (
            <tr key={s.stream_uid} data-stream={s.stream_uid}>
              <td>{endLabel(s.source)}</td>
              <td>{endLabel(s.destination)}</td>
              <td>{s.direction}</td>
              <td>
                <StateBadge stream={s} />
              </td>
              <td>
                <button type="button" onClick={() => onOpen(s.stream_uid)}>
                  Details
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

// The receiving end's figures, and the round trip the sending end measures.
const series = [
  { end: "receiver", key: "latency_ms", label: "latency (ms)", stroke: "#2563eb" },
  { end: "receiver", key: "jitter_ms", label: "jitter (ms)", stroke: "#9333ea" },
  { end: "receiver", key: "packets_lost", label: "lost", stroke: "#dc2626" },
  { end: "receiver", key: "packets_recovered", label: "recovered", stroke: "#16a34a" },
  { end: "receiver", key: "scaling", label: "drift (scaling − 1, ppm)", stroke: "#ca8a04" },
  { end: "sender", key: "rtt_ms", label: "round trip, sender (ms)", stroke: "#0f766e" },
] as const;

function Graph({ uid }: { uid: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const samples = metricsOf(uid);
  useEffect(() => {
    if (!box.current) return;
    plot.current = new uPlot(
      {
        width: Math.min(720, box.current.clientWidth || 720),
        height: 220,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke }))],
        axes: [{}, {}],
      },
      [[], ...series.map(() => [])],
      box.current,
    );
    return () => plot.current?.destroy();
  }, [uid]);
  useEffect(() => {
    const xs = samples.map((s) => s.at / 1000);
    const ys = series.map((s) =>
      samples.map((m) => {
        const raw = m[s.end][s.key];
        if (raw === undefined) return null;
        const v = Number(raw);
        return s.key === "scaling" ? (v - 1) * 1e6 : v;
      }),
    );
    plot.current?.setData([xs, ...ys]);
  }, [samples]);
  return <div ref={box} class="graph" role="img" aria-label="Latency, jitter, loss, recovered packets and drift at the receiving end, and the round trip at the sending end, over the last minutes" />;
}

function Settings({ stream }: { stream: Stream }) {
  const [error, setError] = useState<string | null>(null);
  const s = stream.settings as Record<string, number | string | undefined>;
  const [latency, setLatency] = useState(String(s.target_latency_ms ?? ""));
  const [packet, setPacket] = useState(String(s.packet_length_ms ?? ""));
  const [fecSource, setFecSource] = useState(String(s.fec_block_source_packets ?? ""));
  const [fecRepair, setFecRepair] = useState(String(s.fec_block_repair_packets ?? ""));
  const value = (text: string) => (text.trim() === "" ? null : Number(text));
  return (
    <form
      class="settings"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await api.PATCH("/streams/{stream}", {
          params: { path: { stream: stream.stream_uid } },
          body: {
            settings: {
              target_latency_ms: value(latency),
              packet_length_ms: value(packet),
              fec_block_source_packets: value(fecSource),
              fec_block_repair_packets: value(fecRepair),
            } as never,
          },
        });
        setError(r.error ? describe(r.error, r.response.status) : null);
      }}
    >
      <h3>Settings</h3>
      <ErrorLine text={error} />
      <label>
        Target latency (ms) <input inputMode="decimal" value={latency} placeholder="default" onInput={(e) => setLatency((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Packet length (ms) <input inputMode="decimal" value={packet} placeholder="default" onInput={(e) => setPacket((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        FEC source packets per block <input inputMode="numeric" value={fecSource} placeholder="default" onInput={(e) => setFecSource((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        FEC repair packets per block <input inputMode="numeric" value={fecRepair} placeholder="default" onInput={(e) => setFecRepair((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

type End = { peer_uri: string; state?: string; metrics?: Record<string, number>; synced_at?: string | null; stale?: boolean };

function Ends({ stream }: { stream: Stream }) {
  const ends = (stream as Stream & { ends?: { sender: End; receiver: End } }).ends;
  if (!ends) return null;
  const rows: [string, End, string[]][] = [
    ["Sender", ends.sender, ["packets_sent", "packets_lost", "jitter_ms", "rtt_ms"]],
    ["Receiver", ends.receiver, ["latency_ms", "jitter_ms", "packets_lost", "packets_recovered", "scaling", "xruns"]],
  ];
  return (
    <table class="ends">
      <caption>Both ends</caption>
      <tbody>
        {rows.map(([label, end, keys]) => (
          <tr key={label}>
            <th scope="row">
              {label}: {peerName(peerUidOf(end.peer_uri))}
            </th>
            <td>{end.state ?? "unknown yet"}</td>
            <td>{keys.map((k) => (end.metrics?.[k] !== undefined ? `${k} ${Number(end.metrics[k]).toFixed(k === "scaling" ? 5 : 1)}` : null)).filter(Boolean).join(" · ")}</td>
            <td>{end.stale ? "stale" : end.synced_at ? `as of ${new Date(end.synced_at).toLocaleTimeString()}` : "live"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StreamDetail({ uid, onClose }: { uid: string; onClose: () => void }) {
  const stream = streams.value.get(`/streams/${uid}`);
  if (!stream) {
    return (
      <section>
        <p>Stream {uid} is gone.</p>
        <button type="button" onClick={onClose}>
          Back
        </button>
      </section>
    );
  }
  return (
    <section aria-labelledby="stream-title" class="stream-detail">
      <h2 id="stream-title">
        {endLabel(stream.source)} → {endLabel(stream.destination)}
      </h2>
      <p>
        <StateBadge stream={stream} /> <code>{stream.stream_uid}</code> ({stream.direction})
      </p>
      <Ends stream={stream} />
      <Graph uid={uid} />
      <Settings key={uid} stream={stream} />
      <button type="button" onClick={onClose}>
        Back to the streams
      </button>
    </section>
  );
}
