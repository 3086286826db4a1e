// What the tests of cross-peer streams ask of each daemon: a port's URI by
// its display name, a stream as one peer shows it, a port-to-port POST.
import assert from "node:assert/strict";

import type { Daemon } from "./daemon.js";

export type Stream = {
  stream_uid: string;
  direction: string;
  state: string;
  peer_uri?: string;
  settings?: Record<string, number>;
  source: { port_uri?: string };
  destination: { port_uri?: string };
  endpoints?: { media_uri: string; repair_uri?: string; control_uri?: string };
  metrics: { packets_sent: number; packets_received: number; rtt_ms?: number };
  ends?: Record<"sender" | "receiver", End>;
};

export type End = {
  peer_uri: string;
  state?: string;
  waiting_for?: string;
  metrics?: { packets_sent: number; packets_received: number; rtt_ms?: number };
  synced_at?: string | null;
  stale?: boolean;
};

export async function portUri(d: Daemon, displayName: string): Promise<string> {
  const self = await d.client.GET("/peers/{peer}", { params: { path: { peer: "self" } } });
  const ports = await d.client.GET("/peers/{peer}/ports", { params: { path: { peer: "self" } } });
  const port = ports.data!.find((p) => p.display_name === displayName);
  assert.ok(port, `${displayName} on ${self.data!.peer_uid}`);
  return `/peers/${self.data!.peer_uid}/ports/${port.port_uid}`;
}

export async function streamOn(d: Daemon, uid: string): Promise<Stream | undefined> {
  const { data } = await d.client.GET("/streams/{stream}", { params: { path: { stream: uid } } });
  return data as Stream | undefined;
}

/** POST /streams on `d` from port `source` to port `destination`. */
export function postPortToPort(d: Daemon, source: string, destination: string) {
  return d.client.POST("/streams", {
    body: { source: { type: "port", port_uri: source }, destination: { type: "port", port_uri: destination } },
  });
}

export async function streamCount(d: Daemon): Promise<number> {
  const { data } = await d.client.GET("/streams");
  return data!.length;
}

