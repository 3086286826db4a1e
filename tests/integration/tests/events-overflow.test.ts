// GET /events and a consumer that stops reading: once event_queue_limit
// messages wait for it, it gets `overflow` and is disconnected; the other
// consumers and the daemon carry on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { startDaemon } from "../harness/daemon.js";
import { sleep } from "../harness/http.js";
import { EventClient, RawEventClient } from "../harness/sse.js";

const limit = 16;

describe("events: overflow", () => {
  it("a consumer that stops reading gets a final overflow and is disconnected; another gets every event", async () => {
    const d = await startDaemon({ config: `event_queue_limit: ${limit}\n` });
    const slow = await RawEventClient.open(d, "?type=peer_updated");
    const steady = await EventClient.subscribed(d, "?type=peer_updated");
    try {
      slow.pause();
      // Each PATCH is one peer_updated of ~250 bytes. The kernel buffers
      // between the daemon and the paused client take a few hundred of
      // them; then the daemon's queue for that client fills up.
      const names: string[] = [];
      const rename = async (name: string) => {
        const res = await fetch(`${d.baseUrl}/peers/self`, {
          method: "PATCH",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ display_name: name }),
        });
        const text = await res.text();
        assert.equal(res.status, 200, text);
        names.push(name);
      };
      const overflowed = () => /events: a client fell \d+ messages behind/.test(d.logs());
      for (let batch = 0; !overflowed() && batch < 5000; batch++) {
        await Promise.all([0, 1, 2, 3].map((k) => rename(`slow reader ${batch}.${k} `.padEnd(64, "."))));
      }
      assert.ok(overflowed(), `no overflow after ${names.length} events`);
      assert.match(d.logs(), new RegExp(`fell ${limit} messages behind`), "the configured limit applies");

      // The daemon keeps serving and publishing.
      await rename("after the overflow");
      assert.equal((await d.client.GET("/status")).response.status, 200);
      await steady.waitFor((m) => JSON.parse(m.data).display_name === "after the overflow", 10000);

      // The slow client reads what was queued for it: events, then overflow, then the end.
      slow.resume();
      for (let i = 0; i < 1000 && !slow.closed; i++) await sleep(10);
      assert.ok(slow.closed, "the daemon closed the slow client's connection");
      assert.ok(slow.complete, "after ending the response properly (last chunk)");
      const got = slow.messages();
      const overflow = got.at(-1)!;
      assert.equal(overflow.event, "overflow", `last message: ${JSON.stringify(overflow)}`);
      assert.equal(overflow.id, undefined, "overflow is not a bus event");
      const events = got.slice(0, -1);
      assert.ok(events.length > limit, `${events.length} events before the overflow`);
      assert.ok(events.every((m) => m.event === "peer_updated"));
      // What the slow client got is a prefix of what the steady one got.
      assert.deepEqual(events, steady.messages.slice(0, events.length));
      const info = JSON.parse(overflow.data) as { last_delivered_id: number; dropped_id: number };
      assert.deepEqual(Object.keys(info).sort(), ["dropped_id", "last_delivered_id"]);
      assert.equal(info.last_delivered_id, Number(events.at(-1)!.id), "last_delivered_id: the last event it was sent");
      assert.equal(info.dropped_id, Number(steady.messages[events.length]!.id), "dropped_id: the next event");

      // The steady client got every change, in order, and is still connected.
      assert.ok(!steady.ended);
      for (let i = 1; i < steady.messages.length; i++) {
        assert.ok(Number(steady.messages[i]!.id) > Number(steady.messages[i - 1]!.id), "ids increase");
      }
      assert.deepEqual(steady.messages.map((m) => JSON.parse(m.data).display_name).sort(), [...names].sort());
      assert.equal((d.logs().match(/fell \d+ messages behind/g) ?? []).length, 1, "only the slow client overflowed");

      // Reconnecting with Last-Event-ID: last_delivered_id resumes where it
      // stopped: the missed events, then live ones.
      const resumed = await EventClient.subscribed(d, "?type=peer_updated", { "Last-Event-ID": String(info.last_delivered_id) });
      await rename("late");
      await resumed.waitFor((m) => JSON.parse(m.data).display_name === "late");
      await steady.waitFor((m) => JSON.parse(m.data).display_name === "late");
      assert.deepEqual(resumed.messages, steady.messages.slice(events.length), "exactly what the slow client missed");
      resumed.close();
    } finally {
      slow.destroy();
      steady.close();
      const exit = await d.stop();
      assert.deepEqual(exit, { code: 0, signal: null });
    }
  });
});
