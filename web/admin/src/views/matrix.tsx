// The routing matrix: sources (input ports and virtual speakers) of every
// peer down the side, destinations (output ports, virtual microphones, and
// the addresses streams send to) across the top. A cross-point is a button:
// on an empty one it creates the stream (between two peers when the ports
// are on different peers), on a connected one it deletes it. Each shows
// the stream's state in colour and in words.
import { useState } from "preact/hooks";

import { api, describe, type Port, type Stream } from "../api";
import { normalise, portList, streamList } from "../live";
import { describeState, ErrorLine, isVirtual, peerName, peerUidOf } from "./common";

type Destination = { key: string; label: string; port?: Port; address?: Stream["destination"] };

function isSource(p: Port) {
  return p.direction === "input" || (p.direction === "output" && isVirtual(p));
}

function isDestination(p: Port) {
  return (p.direction === "output" && !isVirtual(p)) || (p.direction === "input" && isVirtual(p));
}

function byPeerThenName(a: Port, b: Port) {
  return peerName(peerUidOf(a.port_uri)).localeCompare(peerName(peerUidOf(b.port_uri))) || a.display_name.localeCompare(b.display_name);
}

function endKey(end: Stream["destination"]): string {
  const e = end as { type: string; port_uri?: string; media_uri?: string };
  return e.type === "port" ? normalise(e.port_uri) : `address:${e.media_uri}`;
}

export function Matrix() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // Addresses typed here, until a stream sends to them (then they come
  // from the streams).
  const [typed, setTyped] = useState<{ media_uri: string; repair_uri?: string }[]>([]);
  const [media, setMedia] = useState("");
  const [repair, setRepair] = useState("");
  const sources = portList.value.filter(isSource).sort(byPeerThenName);
  const destinations: Destination[] = portList.value
    .filter(isDestination)
    .sort(byPeerThenName)
    .map((p) => ({ key: normalise(p.port_uri), label: `${peerName(peerUidOf(p.port_uri))}: ${p.display_name}`, port: p }));
  const addresses = [
    ...streamList.value.map((s) => s.destination).filter((d) => (d as { type: string }).type === "address"),
    ...typed.map((t) => ({ type: "address" as const, ...t }) as Stream["destination"]),
  ];
  for (const address of addresses) {
    const key = endKey(address);
    if (!destinations.some((x) => x.key === key)) {
      destinations.push({ key, label: (address as { media_uri: string }).media_uri, address });
    }
  }
  const streamAt = (source: Port, destination: Destination) =>
    streamList.value.find((s) => endKey(s.source) === normalise(source.port_uri) && endKey(s.destination) === destination.key);

  async function toggle(source: Port, destination: Destination, stream: Stream | undefined) {
    const key = `${source.port_uri}>${destination.key}`;
    setBusy(key);
    setError(null);
    try {
      if (stream) {
        const r = await api.DELETE("/streams/{stream}", { params: { path: { stream: stream.stream_uid } } });
        if (r.error) setError(`Cannot disconnect: ${describe(r.error, r.response.status)}`);
      } else {
        const to = destination.port
          ? { type: "port" as const, port_uri: destination.port.port_uri }
          : (destination.address as Stream["destination"]);
        const r = await api.POST("/streams", {
          body: { source: { type: "port", port_uri: source.port_uri }, destination: to } as never,
        });
        if (r.error) setError(`Cannot connect: ${describe(r.error, r.response.status)}`);
      }
    } finally {
      setBusy(null);
    }
  }

  const addAddress = (
    <form
      class="create"
      onSubmit={(e) => {
        e.preventDefault();
        if (!media.trim()) return;
        setTyped([...typed, repair.trim() ? { media_uri: media.trim(), repair_uri: repair.trim() } : { media_uri: media.trim() }]);
        setMedia("");
        setRepair("");
      }}
    >
      <input aria-label="Address to send to" placeholder="rtp+rs8m://192.168.1.20:10001" value={media} onInput={(e) => setMedia((e.target as HTMLInputElement).value)} />
      <input aria-label="Its repair address (FEC)" placeholder="rs8m://192.168.1.20:10002" value={repair} onInput={(e) => setRepair((e.target as HTMLInputElement).value)} />
      <button type="submit">Add a destination address</button>
    </form>
  );
  if (sources.length === 0 || destinations.length === 0) {
    return (
      <section>
        <p>No sources or destinations yet: create a virtual speaker or microphone in Ports.</p>
        {addAddress}
      </section>
    );
  }
  return (
    <section aria-labelledby="matrix-title">
      <h2 id="matrix-title">Routing</h2>
      <p class="hint">Click a cross-point to connect a source to a destination; click again to disconnect.</p>
      <ErrorLine text={error} />
      <div class="matrix-scroll">
        <table class="matrix">
          <thead>
            <tr>
              <th scope="col">Source \ Destination</th>
              {destinations.map((d) => (
                <th scope="col" key={d.key}>
                  <span>{d.label}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.port_uri}>
                <th scope="row">{`${peerName(peerUidOf(s.port_uri))}: ${s.display_name}`}</th>
                {destinations.map((d) => {
                  const stream = streamAt(s, d);
                  const same = d.port && normalise(d.port.port_uri) === normalise(s.port_uri);
                  const label = stream
                    ? `Disconnect ${s.display_name} from ${d.label} (${describeState(stream)})`
                    : `Connect ${s.display_name} to ${d.label}`;
                  return (
                    <td key={d.key} class={stream ? `cell state-${stream.state}` : "cell"}>
                      {same ? null : (
                        <button
                          type="button"
                          aria-label={label}
                          title={label}
                          aria-pressed={stream ? "true" : "false"}
                          disabled={busy === `${s.port_uri}>${d.key}`}
                          data-source={s.port_uri}
                          data-destination={d.key}
                          data-state={stream?.state ?? "none"}
                          onClick={() => toggle(s, d, stream)}
                        >
                          {stream ? describeState(stream) : "+"}
                        </button>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {addAddress}
    </section>
  );
}
