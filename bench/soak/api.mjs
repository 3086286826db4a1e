// A small JSON client of rocd's REST API over node:http. Each role of the
// bench (monitor, churn client, SSE clients, attackers) connects from its
// own loopback address (127.0.0.x), because rocd's connection and request
// limits are per client address: the attackers must not eat the clients'
// budget, and the 100 SSE clients must spread over addresses to stay under
// max_connections_per_client (64).
import dgram from "node:dgram";
import http from "node:http";

export class Api {
  constructor(port, localAddress = "127.0.0.1") {
    this.port = port;
    this.localAddress = localAddress;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    this.requests = 0;
  }

  /** One request; resolves {status, body} (body parsed when JSON), rejects on a network error or timeout. */
  request(method, path, body, timeoutMs = 15_000) {
    this.requests++;
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          host: "127.0.0.1",
          port: this.port,
          localAddress: this.localAddress,
          method,
          path,
          agent: this.agent,
          headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {},
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => {
            let parsed = text;
            if (/json/.test(res.headers["content-type"] ?? "") && text) {
              try {
                parsed = JSON.parse(text);
              } catch {
                // keep the text
              }
            }
            resolve({ status: res.statusCode, body: parsed });
          });
          res.on("error", reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** A request that must succeed (2xx); its body. */
  async call(method, path, body) {
    const r = await this.request(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Closes the kept-alive connections; later requests open new ones. */
  close() {
    this.agent.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  }
}

/**
 * A UDP port on 127.0.0.1 that was free a moment ago (bound, read, closed).
 * Ports are taken from the kernel's ephemeral range so that other programs
 * on the machine are not disturbed; `avoid` keeps them unique within the run.
 */
export async function freeUdpPort(avoid) {
  for (;;) {
    const socket = dgram.createSocket("udp4");
    const port = await new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => resolve(socket.address().port));
    });
    socket.close();
    if (!avoid.has(port)) {
      avoid.add(port);
      return port;
    }
  }
}
