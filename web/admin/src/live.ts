// The page's live state: GET /events?snapshot=true read over fetch (an
// EventSource cannot send the bearer token), the snapshot first, then every
// change as it happens. On a dropped connection it reconnects with the last
// event id it saw, so nothing is missed, and says so while it does.
import { computed, signal } from "@preact/signals";

import { authHeaders, tokenWanted, type Peer, type Port, type Stream } from "./api";

export type Connection = "connecting" | "live" | "reconnecting";

export interface LoggedEvent {
  id?: string;
  type: string;
  uri: string;
  at: Date;
  data: unknown;
}

export const connection = signal<Connection>("connecting");
export const selfUid = signal<string>("");
export const peers = signal<ReadonlyMap<string, Peer>>(new Map());
export const ports = signal<ReadonlyMap<string, Port>>(new Map());
export const streams = signal<ReadonlyMap<string, Stream>>(new Map());
/** The newest events first, at most `logLimit`. */
export const log = signal<readonly LoggedEvent[]>([]);
const logLimit = 500;

/** Per stream, its figures of the last minutes (stream_metrics), oldest first. */
export interface Sample {
  at: number;
  /** The receiving end's figures (the stream's own, for a local or receive stream). */
  receiver: Record<string, unknown>;
  /** The sending end's (a send stream's own, or the sender of a cross-peer stream). */
  sender: Record<string, unknown>;
}
const samples = signal<ReadonlyMap<string, readonly Sample[]>>(new Map());
const sampleLimit = 300;

export function metricsOf(uid: string): readonly Sample[] {
  return samples.value.get(`/streams/${uid}`) ?? [];
}

function sample(data: Record<string, unknown>) {
  const uri = String(data.stream_uri);
  const own = (data.metrics as Record<string, unknown> | undefined) ?? {};
  const ends = data.ends as { sender?: { metrics?: Record<string, unknown> }; receiver?: { metrics?: Record<string, unknown> } } | undefined;
  const next = new Map(samples.value);
  const at: Sample = {
    at: Date.now(),
    receiver: ends?.receiver?.metrics ?? (data.direction === "send" ? {} : own),
    sender: ends?.sender?.metrics ?? (data.direction === "send" ? own : {}),
  };
  next.set(uri, [...(next.get(uri) ?? []), at].slice(-sampleLimit));
  samples.value = next;
  put(streams, uri, data as unknown as Stream);
}

export const peerList = computed(() => [...peers.value.values()]);
export const portList = computed(() => [...ports.value.values()]);
export const streamList = computed(() => [...streams.value.values()]);

/** "/peers/self/..." as this daemon's uid says it, so that URIs compare. */
export function normalise(uri: string | undefined): string {
  if (!uri) return "";
  return selfUid.value ? uri.replace(/^\/peers\/self\//, `/peers/${selfUid.value}/`) : uri;
}

function put<T>(target: typeof peers | typeof ports | typeof streams, uri: string, value: T | undefined) {
  const next = new Map(target.value as Map<string, T>);
  if (value === undefined) next.delete(uri);
  else next.set(uri, value);
  (target as unknown as { value: Map<string, T> }).value = next;
}

function apply(type: string, data: Record<string, unknown>) {
  const removed = type.endsWith("_removed");
  if (type.startsWith("peer_")) put(peers, String(data.peer_uri), removed ? undefined : (data as Peer));
  else if (type.startsWith("port_")) put(ports, String(data.port_uri), removed ? undefined : (data as Port));
  else if (type.startsWith("stream_")) put(streams, String(data.stream_uri), removed ? undefined : (data as Stream));
}

function record(type: string, id: string | undefined, data: Record<string, unknown>) {
  const uri = String(data.peer_uri && type.startsWith("peer_") ? data.peer_uri : data.port_uri ?? data.stream_uri ?? data.peer_uri ?? "");
  log.value = [{ id, type, uri, at: new Date(), data }, ...log.value].slice(0, logLimit);
}

let lastEventId: string | undefined;

/** Splits an event stream's text into messages; returns what is left over. */
function parse(text: string, onMessage: (event: string, id: string | undefined, data: string) => void): string {
  let split: number;
  while ((split = text.indexOf("\n\n")) >= 0) {
    const block = text.slice(0, split);
    text = text.slice(split + 2);
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("id:")) id = line.slice(3).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length > 0) onMessage(event, id, data.join("\n"));
  }
  return text;
}

async function readOnce(signalAbort: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { Accept: "text/event-stream", ...authHeaders() };
  if (lastEventId !== undefined) headers["Last-Event-ID"] = lastEventId;
  // A first connection takes the snapshot; a resumed one gets what it missed.
  const query = lastEventId === undefined ? "?metrics=true&snapshot=true" : "?metrics=true";
  const response = await fetch(`/events${query}`, { headers, signal: signalAbort });
  if (response.status === 401) {
    tokenWanted.value = authHeaders().Authorization ? "wrong" : "missing";
    throw new Error("unauthorized");
  }
  if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  let snapshot: { peers: Map<string, Peer>; ports: Map<string, Port>; streams: Map<string, Stream> } | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    pending = parse(pending + value, (event, id, text) => {
      const data = JSON.parse(text) as Record<string, unknown>;
      if (event === "snapshot") {
        snapshot ??= { peers: new Map(), ports: new Map(), streams: new Map() };
        const kind = data.kind as string;
        const uri = data.uri as string;
        if (kind === "peer") snapshot.peers.set(uri, data.resource as Peer);
        else if (kind === "port") snapshot.ports.set(uri, data.resource as Port);
        else if (kind === "stream") snapshot.streams.set(uri, data.resource as Stream);
        return;
      }
      if (event === "snapshot_end") {
        // Replaced at once, so the page never shows a half-listed state.
        peers.value = snapshot?.peers ?? new Map();
        ports.value = snapshot?.ports ?? new Map();
        streams.value = snapshot?.streams ?? new Map();
        const last = data.last_event_id;
        if (last !== undefined && last !== null) lastEventId = String(last);
        snapshot = undefined;
        connection.value = "live";
        return;
      }
      if (event === "stream_metrics") {
        sample(data);
        return;
      }
      if (event === "peer_metrics") {
        put(peers, String(data.peer_uri), data as unknown as Peer);
        return;
      }
      if (event === "replay_gap" || event === "overflow") {
        // Some changes are lost to this page: start over with a snapshot.
        lastEventId = undefined;
        throw new Error(event);
      }
      if (id !== undefined) lastEventId = id;
      connection.value = "live";
      apply(event, data);
      record(event, id, data);
    });
  }
}

/** Follows the daemon until the page goes away; reconnects after a drop. */
export async function follow(uid: string): Promise<never> {
  selfUid.value = uid;
  for (let attempt = 0; ; ) {
    const abort = new AbortController();
    try {
      await readOnce(abort.signal);
    } catch {
      // Dropped, refused or reset: try again below.
    }
    abort.abort();
    if (connection.value === "live") attempt = 0; // it was up: retry soon
    connection.value = "reconnecting";
    await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** Math.min(attempt, 3), 2000)));
    attempt++;
    if (tokenWanted.value) {
      while (tokenWanted.value) await new Promise((r) => setTimeout(r, 200));
    }
  }
}
