// This daemon and every peer it knows: state, trust, round trip, version;
// pairing (the code shown on the daemon that starts it, typed on the other),
// a static peer added by address and key, a trusted peer revoked.
import { useEffect, useState } from "preact/hooks";

import { api, describe, type Peer } from "../api";
import { peerList, selfUid } from "../live";
import { ErrorLine, Head } from "./common";

function Pairing({ peer, onError }: { peer: Peer; onError: (t: string | null) => void }) {
  const [code, setCode] = useState<string | null>(null);
  const [typed, setTyped] = useState("");
  const [direction, setDirection] = useState<"outgoing" | "incoming" | null>(null);
  const path = { peer: peer.peer_uid };
  useEffect(() => {
    // A pairing open when the page was loaded: which side this daemon is.
    if (peer.trust !== "pairing") return;
    void api.GET("/peers/{peer}/pairing", { params: { path } }).then((r) => {
      if (r.data) {
        setDirection(r.data.direction);
        if (r.data.code) setCode(r.data.code);
      }
    });
  }, [peer.trust]);
  if (code && peer.trust !== "trusted") {
    return (
      <span class="code" aria-live="polite">
        Type <strong data-code={code}>{code}</strong> on {peer.display_name}
      </span>
    );
  }
  if (peer.trust === "discovered" && peer.state === "online") {
    return (
      <button
        type="button"
        onClick={async () => {
          const r = await api.POST("/peers/{peer}/pairing", { params: { path } });
          if (r.data?.code) setCode(r.data.code);
          onError(r.error ? describe(r.error, r.response.status) : null);
        }}
      >
        Pair
      </button>
    );
  }
  if (peer.trust === "pairing" && direction === "incoming") {
    return (
      <form
        class="confirm"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await api.POST("/peers/{peer}/pairing/confirm", { params: { path }, body: { code: typed } });
          onError(r.error ? describe(r.error, r.response.status) : null);
        }}
      >
        <input aria-label={`Code shown on ${peer.display_name}`} inputMode="numeric" pattern="[0-9]{6}" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
        <button type="submit">Confirm</button>
        <button
          type="button"
          onClick={async () => {
            const r = await api.DELETE("/peers/{peer}/pairing", { params: { path } });
            onError(r.error ? describe(r.error, r.response.status) : null);
          }}
        >
          Reject
        </button>
      </form>
    );
  }
  if (peer.trust === "trusted") {
    return (
      <button
        type="button"
        onClick={async () => {
          if (!confirm(`Revoke ${peer.display_name}? It will have to be paired again.`)) return;
          const r = await api.DELETE("/peers/{peer}", { params: { path } });
          onError(r.error ? describe(r.error, r.response.status) : null);
        }}
      >
        Revoke
      </button>
    );
  }
  return null;
}

function AddPeer({ onError }: { onError: (t: string | null) => void }) {
  const [address, setAddress] = useState("");
  const [key, setKey] = useState("");
  return (
    <form
      class="add-peer"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await api.POST("/peers", { body: { address, public_key: key } });
        onError(r.error ? describe(r.error, r.response.status) : null);
        if (!r.error) {
          setAddress("");
          setKey("");
        }
      }}
    >
      <h3>Add a static peer</h3>
      <label>
        Address <input value={address} placeholder="10.0.7.12:4041" onInput={(e) => setAddress((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Public key <input value={key} size={42} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Dial</button>
    </form>
  );
}

export function Peers() {
  const [error, setError] = useState<string | null>(null);
  const list = [...peerList.value].sort((a, b) =>
    a.peer_uid === selfUid.value ? -1 : b.peer_uid === selfUid.value ? 1 : a.display_name.localeCompare(b.display_name),
  );
  return (
    <section aria-labelledby="peers-title">
      <h2 id="peers-title">Peers</h2>
      <ErrorLine text={error} />
      <table class="peers">
        <Head columns={["Name", "Uid", "State", "Trust", "Round trip", "Version"]} actions="Actions" />
        <tbody>
          {list.map((p) => (
            <tr key={p.peer_uid} data-peer={p.peer_uid}>
              <td>{p.peer_uid === selfUid.value ? `${p.display_name} (this daemon)` : p.display_name}</td>
              <td>
                <code>{p.peer_uid}</code>
              </td>
              <td class={`peer-state peer-${p.state ?? "self"}`}>{p.peer_uid === selfUid.value ? "—" : p.state}</td>
              <td>{p.trust ?? "—"}</td>
              <td>{p.rtt_ms !== undefined ? `${p.rtt_ms.toFixed(1)} ms` : "—"}</td>
              <td>{p.version ?? "—"}</td>
              <td>{p.peer_uid === selfUid.value ? null : <Pairing peer={p} onError={setError} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddPeer onError={setError} />
    </section>
  );
}
