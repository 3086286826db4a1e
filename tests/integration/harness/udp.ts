// UDP helpers for stream tests (loopback only).
import { createSocket } from "node:dgram";

/** A UDP port on 127.0.0.1 that nobody uses right now. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
  const port = socket.address().port;
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}
