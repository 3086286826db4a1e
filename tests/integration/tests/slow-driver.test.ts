// The control plane never waits for the audio server: with a driver whose
// virtual-device creation takes 1.5 s (the mock's create_delay_ms), other
// requests are answered while one POST waits for its device. The latencies
// are measured by bench/http/slow_driver.mjs, not asserted here.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { startDaemon, tempDir } from "../harness/daemon.js";

const fixture = {
  create_delay_ms: 1500,
  devices: [
    { name: "mock_speakers", display_name: "Mock speakers", direction: "output", channels: 2, rate: 48000 },
    { name: "mock_microphone", display_name: "Mock microphone", direction: "input", channels: 1, rate: 48000 },
  ],
};

describe("a slow driver", () => {
  it("does not hold other requests back while a virtual device is created", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const path = join(dir.path, "slow-mock.json");
    writeFileSync(path, JSON.stringify(fixture));
    const d = await startDaemon({ config: `mock_fixture: ${path}\n` });
    t.after(() => d.stop());

    let postDone = false;
    const post = d.client
      .POST("/peers/{peer}/ports", {
        params: { path: { peer: "self" } },
        body: { direction: "output", display_name: "Slow speaker" },
      })
      .then((answer) => {
        postDone = true;
        return answer;
      });

    // One after another, so that each waits only for itself.
    const answeredWhilePending: boolean[] = [];
    for (let i = 0; i < 50; i++) {
      const { response } = await d.client.GET("/status");
      assert.equal(response.status, 200);
      answeredWhilePending.push(!postDone);
    }
    // Held back, even the first GET would wait for the device; on a loaded
    // machine 50 GETs may outlast the 1.5 s device, so the first 10 decide.
    assert.deepEqual(
      answeredWhilePending.slice(0, 10),
      Array(10).fill(true),
      "the GETs sent while the POST waited for its device were answered meanwhile",
    );

    const { data, response } = await post;
    assert.equal(response.status, 201, JSON.stringify(data));
    assert.equal(data?.display_name, "Slow speaker");
    const listed = await d.client.GET("/peers/{peer}/ports/{port}", {
      params: { path: { peer: "self", port: data!.port_uid } },
    });
    assert.equal(listed.response.status, 200);
  });
});
