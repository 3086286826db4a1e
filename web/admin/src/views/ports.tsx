// Every port of every peer this daemon knows (its own and those mirrored
// from trusted peers): direction, type, format, presence; volume, mute and
// name changed in place; virtual speakers and microphones made and deleted.
import { useState } from "preact/hooks";

import { api, describe, type Peer, type Port } from "../api";
import { peerList, portList, selfUid } from "../live";
import { ErrorLine, Head, isVirtual, peerName, peerUidOf } from "./common";

function PortRow({ port, onError }: { port: Port; onError: (text: string | null) => void }) {
  const peer = peerUidOf(port.port_uri);
  const path = { peer: peer === selfUid.value ? "self" : peer, port: port.port_uid };
  const [volume, setVolume] = useState<number | null>(null);
  async function patch(body: { volume?: number; mute?: boolean; display_name?: string }) {
    const r = await api.PATCH("/peers/{peer}/ports/{port}", { params: { path }, body });
    onError(r.error ? `${port.display_name}: ${describe(r.error, r.response.status)}` : null);
  }
  const shown = volume ?? port.volume;
  return (
    <tr data-port={port.port_uri}>
      <td>
        <input
          class="name"
          aria-label={`Name of ${port.display_name}`}
          value={port.display_name}
          onChange={(e) => {
            const name = (e.target as HTMLInputElement).value.trim();
            if (name && name !== port.display_name) void patch({ display_name: name });
          }}
        />
      </td>
      <td>{port.direction === "output" ? (isVirtual(port) ? "virtual speaker" : "output") : isVirtual(port) ? "virtual microphone" : "input"}</td>
      <td>
        {port.rate} Hz, {port.channels} ch
      </td>
      <td class={`presence presence-${port.state}`}>{port.state}</td>
      <td>
        <input
          type="range"
          min="0"
          max="2"
          step="0.01"
          aria-label={`Volume of ${port.display_name}`}
          value={shown}
          onInput={(e) => setVolume(Number((e.target as HTMLInputElement).value))}
          onChange={(e) => {
            const v = Number((e.target as HTMLInputElement).value);
            void patch({ volume: v }).then(() => setVolume(null));
          }}
        />
        <span class="volume">{Math.round(shown * 100)} %</span>
      </td>
      <td>
        <label>
          <input type="checkbox" checked={port.mute} onChange={(e) => void patch({ mute: (e.target as HTMLInputElement).checked })} /> mute
        </label>
      </td>
      <td>
        {isVirtual(port) ? (
          <button
            type="button"
            aria-label={`Delete ${port.display_name}`}
            onClick={async () => {
              const r = await api.DELETE("/peers/{peer}/ports/{port}", { params: { path } });
              onError(r.error ? `${port.display_name}: ${describe(r.error, r.response.status)}` : null);
            }}
          >
            Delete
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function PeerPorts({ peer }: { peer: Peer }) {
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const mine = portList.value
    .filter((p) => peerUidOf(p.port_uri) === peer.peer_uid)
    .sort((a, b) => a.display_name.localeCompare(b.display_name));
  const peerPath = peer.peer_uid === selfUid.value ? "self" : peer.peer_uid;
  async function create(direction: "output" | "input") {
    const body = name.trim() ? { direction, display_name: name.trim() } : { direction };
    const r = await api.POST("/peers/{peer}/ports", { params: { path: { peer: peerPath } }, body });
    setError(r.error ? describe(r.error, r.response.status) : null);
    if (!r.error) setName("");
  }
  const title = peerName(peer.peer_uid);
  return (
    <section class="peer-ports" aria-label={`Ports of ${title}`}>
      <h3>{title}</h3>
      <ErrorLine text={error} />
      <table class="ports">
        <Head columns={["Name", "Kind", "Format", "State", "Volume", "Mute"]} actions="Actions" />
        <tbody>
          {mine.map((p) => (
            <PortRow key={p.port_uri} port={p} onError={setError} />
          ))}
        </tbody>
      </table>
      <form
        class="create"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <input aria-label={`Name of a new virtual device on ${title}`} placeholder="Name (optional)" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <button type="button" onClick={() => void create("output")}>
          Add virtual speaker
        </button>
        <button type="button" onClick={() => void create("input")}>
          Add virtual microphone
        </button>
      </form>
    </section>
  );
}

export function Ports() {
  const shown = peerList.value
    .filter((p) => p.peer_uid === selfUid.value || p.trust === "trusted")
    .sort((a, b) => (a.peer_uid === selfUid.value ? -1 : b.peer_uid === selfUid.value ? 1 : a.display_name.localeCompare(b.display_name)));
  return (
    <section aria-labelledby="ports-title">
      <h2 id="ports-title">Ports</h2>
      {shown.map((p) => (
        <PeerPorts key={p.peer_uid} peer={p} />
      ))}
    </section>
  );
}
