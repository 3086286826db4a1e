// The processes of the two judged audio chains. Those that go through
// PipeWire (pw-record, pw-play) die with it at every restart and are started
// again once the sandbox (pw-record) or rocd's virtual speaker (pw-play) is
// back; each pw-record run is one recording segment, judged on its own and
// placed on the wall clock by its exit time.
import { join } from "node:path";

import { running, start, stop } from "./procs.mjs";

export class Chains {
  constructor({ tools, env, work, tone, a, b, mics }) {
    Object.assign(this, { tools, env, work, tone, a, b, mics });
    this.segments = []; // {path, child, endAt}
    this.consumers = [];
    this.playerStarts = 0;
    this.unexpected = []; // exits nobody asked for, outside restarts
    this.restarting = false;
  }

  /** rocd-recv on judged B's port (before the send stream exists), rocd-send into judged A. */
  startNetworkSides() {
    this.recvPath = join(this.work, "recv-b.wav");
    this.receiver = start(
      "rocd-recv",
      this.tools.recv,
      ["-s", `rtp://127.0.0.1:${this.b.media}`, "-o", this.recvPath],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    this.sender = start(
      "rocd-send",
      this.tools.send,
      ["-i", this.tone, "-s", `rtp+rs8m://127.0.0.1:${this.a.media}`, "-r", `rs8m://127.0.0.1:${this.a.repair}`],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    for (const [name, child] of [
      ["rocd-recv", this.receiver],
      ["rocd-send", this.sender],
    ]) {
      child.exited.then((e) => !this.ending && this.unexpected.push(`${name} exited ${JSON.stringify(e)}`));
    }
  }

  /** A new recording of rocd_sandbox_sink_1's monitor (judged A). */
  startRecorder() {
    const path = join(this.work, `rec-a-${this.segments.length + 1}.wav`);
    const child = start(
      "pw-record",
      "pw-record",
      ["--target", "rocd_sandbox_sink_1", "-P", "{ stream.capture.sink=true }", "--format", "s16", "--rate", "48000", "--channels", "2", path],
      { env: this.env },
    );
    const segment = { path, child, endAt: undefined };
    child.exited.then((e) => {
      segment.endAt = e.at;
      if (!this.restarting && !this.ending) this.unexpected.push(`pw-record exited ${JSON.stringify(e)}`);
    });
    this.segments.push(segment);
  }

  /** pw-play of the tone into rocd's virtual speaker (judged B). */
  startPlayer() {
    this.playerStarts++;
    this.player = start("pw-play", "pw-play", ["--target", this.b.speaker.system_name, this.tone], { env: this.env });
    this.player.exited.then((e) => {
      if (!this.restarting && !this.ending) this.unexpected.push(`pw-play exited ${JSON.stringify(e)}`);
    });
  }

  /**
   * An application recording from each of rocd's virtual microphones (to
   * stdout, discarded): a virtual microphone nobody records from is not
   * scheduled by the graph, and the receive stream that plays into it
   * neither plays nor counts packets (it shows as idle).
   */
  startConsumers() {
    this.consumers = this.mics.map((mic) => {
      const child = start(
        "pw-record",
        "pw-record",
        ["--target", mic.system_name, "--rate", "8000", "--channels", "1", "--format", "s16", "-"],
        { env: this.env },
      );
      child.exited.then((e) => {
        if (!this.restarting && !this.ending) this.unexpected.push(`pw-record of ${mic.system_name} exited ${JSON.stringify(e)}`);
      });
      return child;
    });
  }

  async consumersBack() {
    await Promise.all(this.consumers.map((c) => stop(c)));
    this.startConsumers();
  }

  /** Before a PipeWire restart: their exits are expected now. */
  beginRestart() {
    this.restarting = true;
  }

  /** After it: end what did not die with PipeWire, then start new ones. */
  async recorderBack() {
    const last = this.segments.at(-1);
    if (running(last?.child)) await stop(last.child);
    this.startRecorder();
  }

  async playerBack() {
    if (running(this.player)) await stop(this.player);
    this.startPlayer();
  }

  endRestart() {
    this.restarting = false;
  }

  /** Ends every process of the chains; recordings are complete after this. */
  async end() {
    this.ending = true;
    const last = this.segments.at(-1)?.child;
    await Promise.all([last, this.player, this.sender, this.receiver, ...this.consumers].map((c) => stop(c)));
    this.receiverEndAt = (await this.receiver?.exited)?.at;
  }
}
