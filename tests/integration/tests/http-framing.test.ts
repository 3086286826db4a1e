// Message framing (RFC 9112 §6): a body is delimited by a final "chunked"
// coding or by Content-Length, never by a guess. A request framed any
// other way is refused with 400 and the connection closed, so bytes the
// client hid after its headers never run as a second request (smuggling
// through a proxy that frames the message differently).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { startDaemon, type Daemon } from "../harness/daemon.js";
import { assertProblem, parseRawResponse, rawExchange } from "../harness/http.js";

const self = { params: { path: { peer: "self" } } } as const;

describe("HTTP message framing", () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    assert.deepEqual(await d.stop(), { code: 0, signal: null }, d.logs());
  });

  // The hidden request renames the peer: if it ran, the name would change.
  const hidden = () => {
    const body = JSON.stringify({ display_name: "smuggled" });
    return `PATCH /peers/self HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  };

  const refused = async (headers: string) => {
    const before = (await d.client.GET("/peers/{peer}", self)).data!.display_name;
    const x = await rawExchange(d.port, [`POST /streams HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n\r\n${hidden()}`]);
    assert.ok(x.closed, `the connection is closed (${headers})`);
    const res = parseRawResponse(x.data);
    assert.equal(res.status, 400, `${headers}: ${x.data}`);
    assertProblem(res.headers.get("content-type"), JSON.parse(res.body), { status: 400, type: "malformed-request", detail: /Transfer-Encoding|Content-Length/ });
    assert.equal(x.data.match(/HTTP\/1\.1 /g)!.length, 1, `one answer only (${headers})`);
    assert.equal((await d.client.GET("/peers/{peer}", self)).data!.display_name, before, `nothing ran (${headers})`);
  };

  for (const te of ["gzip", "identity", "chunked, gzip", "gzip, chunked", "deflate, chunked", "chunked, chunked", "x-unknown", ""]) {
    it(`refuses Transfer-Encoding: ${JSON.stringify(te)}`, async () => {
      await refused(`Transfer-Encoding: ${te}`);
    });
  }

  it("refuses chunked given twice on separate lines", async () => {
    await refused("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked");
  });

  it("refuses a coding on a second line before the final chunked", async () => {
    await refused("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked");
  });

  it("refuses Transfer-Encoding together with Content-Length", async () => {
    await refused("Transfer-Encoding: chunked\r\nContent-Length: 5");
  });

  it("accepts a chunked body (any letter case) and serves the next request on the connection", async () => {
    const body = JSON.stringify({ display_name: "chunked name" });
    const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const x = await rawExchange(
      d.port,
      [`PATCH /peers/self HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: Chunked\r\n\r\n${chunked}GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`],
    );
    const answers = x.data.match(/HTTP\/1\.1 \d+/g);
    assert.deepEqual(answers, ["HTTP/1.1 200", "HTTP/1.1 200"], x.data);
    assert.equal((await d.client.GET("/peers/{peer}", self)).data!.display_name, "chunked name");
  });
});
