// Background attacks, all on loopback and bounded in rate so that the
// 2-core machine is loaded, not saturated:
//   - a flood of valid-looking RTP (random SSRCs, sequence numbers and
//     source ports, 10 % sent as in-sequence pairs that pass the
//     receiver's "second packet" test) into the judged receive port;
//   - garbage UDP datagrams into receive ports;
//   - slowloris HTTP connections (one header byte every 2 s) and idle
//     connections, reopened whenever rocd closes them;
//   - malformed HTTP requests on fresh connections.
// Each attacker uses its own 127.0.0.x source addresses (rocd's limits are
// per client address).
import { randomBytes, randomInt } from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";

const noise = randomBytes(1 << 16);
const noiseAt = (n) => {
  const at = randomInt(0, noise.length - n);
  return noise.subarray(at, at + n);
};

function bindSockets(addresses, perAddress) {
  return Promise.all(
    addresses.flatMap((address) =>
      Array.from(
        { length: perAddress },
        () =>
          new Promise((resolve, reject) => {
            const s = dgram.createSocket("udp4");
            s.once("error", reject);
            s.bind(0, address, () => {
              s.on("error", () => {}); // ICMP port unreachable while a receiver is closed
              resolve(s);
            });
          }),
      ),
    ),
  );
}

/**
 * RTP flood: `rate` packets/s in 10 ms batches to 127.0.0.1:`port`.
 * L16 stereo, PT 10, 221 samples of noise (an 896-byte Roc packet), plus
 * the RS8M source footer (SBN24, ESI8 < k, k16 = 18) when `fec`.
 */
export async function rtpFlood({ port, rate, fec }) {
  const sockets = await bindSockets(["127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"], 8);
  const stats = { packets: 0, pairs: 0 };
  const packet = (ssrc, seq, ts) => {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = 10;
    header.writeUInt16BE(seq & 0xffff, 2);
    header.writeUInt32BE(ts >>> 0, 4);
    header.writeUInt32BE(ssrc >>> 0, 8);
    const parts = [header, noiseAt(884)];
    if (fec) {
      const footer = Buffer.alloc(6);
      footer.writeUIntBE(randomInt(0, 1 << 24), 0, 3);
      footer[3] = randomInt(0, 18);
      footer.writeUInt16BE(18, 4);
      parts.push(footer);
    }
    return Buffer.concat(parts);
  };
  const timer = setInterval(() => {
    for (let i = 0; i < rate / 100; i++) {
      const s = sockets[randomInt(0, sockets.length)];
      const ssrc = randomInt(1, 2 ** 32 - 1);
      const seq = randomInt(0, 65536);
      const ts = randomInt(0, 2 ** 32 - 1);
      s.send(packet(ssrc, seq, ts), port, "127.0.0.1");
      stats.packets++;
      if (randomInt(0, 10) === 0) {
        s.send(packet(ssrc, seq + 1, ts + 221), port, "127.0.0.1");
        stats.packets++;
        stats.pairs++;
        i++;
      }
    }
  }, 10);
  return { stats, stop: () => (clearInterval(timer), sockets.forEach((s) => s.close())) };
}

/** Random datagrams of 1..1500 bytes, `rate`/s, spread over `ports` of 127.0.0.1. */
export async function udpGarbage({ ports, rate }) {
  const [socket] = await bindSockets(["127.0.0.15"], 1);
  const stats = { datagrams: 0 };
  const timer = setInterval(() => {
    for (let i = 0; i < rate / 10; i++) {
      socket.send(noiseAt(randomInt(1, 1501)), ports[randomInt(0, ports.length)], "127.0.0.1");
      stats.datagrams++;
    }
  }, 100);
  return { stats, stop: () => (clearInterval(timer), socket.close()) };
}

/**
 * `count` connections that send a request header one byte every `byteMs`
 * (slowloris), and `idle` connections that send nothing; each is reopened
 * 1 s after rocd closes it (its header timeout or an eviction).
 */
export function slowConnections({ port, count, idle, byteMs = 2000 }) {
  const stats = { opened: 0, closedByServer: 0, bytes: 0 };
  const sockets = new Set();
  let stopped = false;
  const header = "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(4000);
  const open = (slow) => {
    if (stopped) return;
    const socket = net.connect({ host: "127.0.0.1", port, localAddress: slow ? "127.0.0.21" : "127.0.0.22" });
    stats.opened++;
    sockets.add(socket);
    let at = 0;
    const timer = slow
      ? setInterval(() => {
          if (socket.writable) socket.write(header[at++ % header.length]);
          stats.bytes++;
        }, byteMs)
      : undefined;
    socket.on("data", () => {}); // a 408 or 503 before the close
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      sockets.delete(socket);
      if (!stopped) {
        stats.closedByServer++;
        setTimeout(() => open(slow), 1000).unref();
      }
    });
  };
  for (let i = 0; i < count; i++) open(true);
  for (let i = 0; i < idle; i++) open(false);
  return {
    stats,
    stop: () => {
      stopped = true;
      for (const s of sockets) s.destroy();
    },
  };
}

const jsonPost = (body, length = Buffer.byteLength(body)) =>
  `POST /streams HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n${body}`;

/** None of these can create anything: each is malformed or invalid before any state changes. */
const malformed = [
  () => "GARBAGE\r\n\r\n",
  () => "GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
  () => "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
  () => jsonPost('{"source": {"type": "port", "port_uri": '),
  () => jsonPost('{"source": 5, "destination": 7}'),
  () => jsonPost('{"source":{},"source":{}}'),
  () => "POST /streams HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
  () => "POST /streams HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  () => "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20000) + "\r\n\r\n",
  () => "GET /events?last_event_id=-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
  () => "GET /status HTTP/1.1\r\nHost: attacker.example\r\n\r\n",
  () => "DELETE /streams/zzzzzz-zzzzzz-zzzzzz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
  () => noiseAt(randomInt(1, 600)),
];

/**
 * `rate` malformed requests/s, each on a new connection, closed at the
 * first answer; the status rocd answered (or "closed" without one), counted.
 */
export function malformedHttp({ port, rate }) {
  const stats = { sent: 0, answers: {} };
  const sockets = new Set();
  const timer = setInterval(() => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress: "127.0.0.23" });
    sockets.add(socket);
    stats.sent++;
    let answer = "closed";
    // No half-close: rocd answers what it can parse, and closes or times out the rest.
    socket.on("connect", () => socket.write(malformed[randomInt(0, malformed.length)]()));
    socket.on("data", (chunk) => {
      answer = chunk.toString("latin1").match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? "garbage";
      socket.destroy();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      stats.answers[answer] = (stats.answers[answer] ?? 0) + 1;
    });
    socket.setTimeout(15_000, () => socket.destroy());
  }, 1000 / rate);
  return {
    stats,
    stop: () => {
      clearInterval(timer);
      for (const s of sockets) s.destroy();
    },
  };
}
