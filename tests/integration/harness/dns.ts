// A name server on a loopback address for one test, and a wrapper that runs
// rocd with a resolv.conf pointing at it (a private mount namespace: the
// host's /etc/resolv.conf is untouched, and no query leaves loopback).
import { createSocket, type Socket } from "node:dgram";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { tempDir } from "./daemon.js";

/** What the stub does for a name: answer with an IPv4 address, say it does not exist, or never reply. */
export type DnsAnswer = { address: string } | "nxdomain" | "silent";

export interface DnsStub {
  /** rocd's command prefix: `unshare --mount` with this stub as the only name server. */
  wrapper: string[];
  /** Names asked so far (lower case, without the final dot). */
  asked: string[];
  close(): Promise<void>;
}

function questionName(query: Buffer): { name: string; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    const len = query[at]!;
    labels.push(query.subarray(at + 1, at + 1 + len).toString("ascii"));
    at += 1 + len;
  }
  return { name: labels.join(".").toLowerCase(), end: at + 5 }; // the zero label, type and class
}

function reply(query: Buffer, answer: DnsAnswer): Buffer | null {
  if (answer === "silent") return null;
  const { end } = questionName(query);
  const qtype = query.readUInt16BE(end - 4);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  header.writeUInt16BE(answer === "nxdomain" ? 0x8183 : 0x8180, 2); // response, RD, RA, rcode
  header.writeUInt16BE(1, 4); // one question
  const question = query.subarray(12, end);
  if (answer === "nxdomain" || qtype !== 1) {
    return Buffer.concat([header, question]); // no A record asked for: an empty answer
  }
  header.writeUInt16BE(1, 6); // one answer
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc00c, 0); // the name, by pointer to the question
  record.writeUInt16BE(1, 2); // A
  record.writeUInt16BE(1, 4); // IN
  record.writeUInt32BE(60, 6); // TTL
  record.writeUInt16BE(4, 10);
  answer.address.split(".").forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
  return Buffer.concat([header, question, record]);
}

/** Starts the stub on `address`:53 (a loopback address no other server uses). */
export async function startDnsStub(address: string, answers: (name: string) => DnsAnswer): Promise<DnsStub> {
  const socket: Socket = createSocket("udp4");
  const asked: string[] = [];
  socket.on("message", (query, from) => {
    if (query.length < 17) return;
    const { name } = questionName(query);
    asked.push(name);
    const out = reply(query, answers(name));
    if (out) socket.send(out, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(53, address, () => resolve());
  });
  const files = tempDir("rocd-dns-");
  const resolvConf = join(files.path, "resolv.conf");
  // One try, long enough that the daemon's own deadline comes first.
  writeFileSync(resolvConf, `nameserver ${address}\noptions timeout:30 attempts:1\n`);
  return {
    wrapper: [
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      'mount --bind "$0" /etc/resolv.conf && exec "$@"',
      resolvConf,
    ],
    asked,
    close: async () => {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      files.remove();
    },
  };
}
