// The mock driver's default devices as port URIs, computed as the daemon
// computes port uids, so that a test can name them before listing them.
import { createHash } from "node:crypto";

/** Uid::derive("port", "mock:<name>"), as the daemon computes port uids. */
export function portUid(name: string): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let digest = createHash("sha256").update(Buffer.from(`port\0mock:${name}`)).digest();
  let pos = 0;
  let out = "";
  for (let n = 0; n < 18; ) {
    if (pos === digest.length) {
      digest = createHash("sha256").update(digest).digest();
      pos = 0;
    }
    const byte = digest[pos++]!;
    if (byte >= 252) continue;
    if (n > 0 && n % 6 === 0) out += "-";
    out += alphabet[byte % 36];
    n++;
  }
  return out;
}

export const mic = `/peers/self/ports/${portUid("mock_microphone")}`;
export const speakers = `/peers/self/ports/${portUid("mock_speakers")}`;
