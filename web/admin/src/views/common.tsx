// Small pieces the views share: names of peers and ports, a stream's state
// as text and colour, and an error line.
import type { Port, Stream } from "../api";
import { normalise, peers, ports, selfUid } from "../live";

export function peerUidOf(uri: string): string {
  return normalise(uri).split("/")[2] ?? "";
}

export function peerName(uid: string): string {
  const peer = peers.value.get(`/peers/${uid}`);
  if (uid === selfUid.value) return peer?.display_name ? `${peer.display_name} (this daemon)` : "this daemon";
  return peer?.display_name || uid;
}

export function portName(uri: string | undefined): string {
  const port = ports.value.get(normalise(uri));
  return port ? `${peerName(peerUidOf(port.port_uri))}: ${port.display_name}` : (uri ?? "");
}

export const stateText: Record<string, string> = {
  starting: "starting",
  active: "active",
  idle: "idle",
  waiting_for_port: "waiting for port",
  waiting_for_peer: "waiting for peer",
  error: "error",
};

/** A stream's state as a person reads it, with whom or what it waits for. */
export function describeState(stream: Stream): string {
  const s = stream as Stream & { end?: string; peer_uri?: string; error?: string };
  const base = stateText[s.state] ?? s.state;
  if (s.state === "waiting_for_peer" && s.peer_uri) return `${base}: ${peerName(peerUidOf(s.peer_uri))}`;
  if (s.state === "waiting_for_port" && s.end) return `${base}: ${s.end}`;
  if (s.state === "error" && s.error) return `${base}: ${s.error}`;
  return base;
}

export function StateBadge({ stream }: { stream: Stream }) {
  return <span class={`state state-${stream.state}`}>{describeState(stream)}</span>;
}

export function ErrorLine({ text }: { text: string | null }) {
  return text ? (
    <p class="error" role="alert">
      {text}
    </p>
  ) : null;
}

export function isVirtual(port: Port): boolean {
  return port.port_type === "virtual_device";
}

/** A table's header row; `actions`: the hidden name of a last column of buttons. */
export function Head({ columns, actions }: { columns: string[]; actions?: string }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th scope="col" key={c}>
            {c}
          </th>
        ))}
        {actions ? (
          <th scope="col">
            <span class="sr-only">{actions}</span>
          </th>
        ) : null}
      </tr>
    </thead>
  );
}
