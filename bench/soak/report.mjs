// The soak's figures as tables, and its verdict per criterion of issue 11.
const mib = (kib) => (kib / 1024).toFixed(1);
const pct = (x) => (x === undefined || x === null ? "—" : `${(100 * x).toFixed(3)} %`);
const split = (s) => `${mib(s.anonKiB)} / ${mib(s.fileKiB)} / ${mib(s.shmemKiB)} MiB`;
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => "| " + cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ") + " |";
  console.log(line(header));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  rows.forEach((row) => console.log(line(row)));
}

/** Prints everything; returns how many criteria failed (and stores them in r.criteria). */
export function printReport(r, { quietStart, settleFrom, settleTo, staticCount }) {
  const samples = r.samples;
  const settled = median(samples.filter((s) => s.t * 1000 >= settleFrom && s.t * 1000 <= settleTo).map((s) => s.rssKiB));
  const endRss = median(samples.slice(-3).map((s) => s.rssKiB));
  const maxRss = Math.max(...samples.map((s) => s.rssKiB));
  const settleLast = samples.filter((s) => s.t * 1000 <= settleTo).at(-1);
  const intervals = samples.slice(1).map((s, i) => (100 * (s.cpu - samples[i].cpu)) / (s.t - samples[i].t));
  Object.assign(r, { rss: { quietStartKiB: quietStart.rssKiB, settledKiB: settled, endKiB: endRss, maxKiB: maxRss } });
  const end = r.end;
  const audio = r.audio ?? {};

  console.log(`\n== rocd soak: ${r.minutes} min, ${staticCount} static streams, ${r.restarts.length} PipeWire restarts ==`);
  const l = r.load;
  console.log(
    `load: churn 1 create / 2 s (+ a PATCH every other step, 3–4 churn streams alive); ${l.sse} SSE clients ` +
      `(${l.sseSlow} read every 5 s, ${l.sseStalled} every 60 s); RTP flood ${l.floodPps} pkt/s (RS8M source packets, random SSRC/seq/source port, 10 % in pairs) ` +
      `into judged A's port; garbage UDP ${l.garbagePps}/s; ${l.slowloris} slowloris + ${l.idle} idle connections; ${l.malformedPs} malformed HTTP requests/s`,
  );

  console.log(
    "\nPipeWire restarts (ms from the restart command; audio gap: the outage's first unclean 10 ms window " +
      "to the start of 1 s of clean tone once PipeWire is back)",
  );
  table(
    ["#", "kind", "at (min)", "sandbox restart (ms)", "rocd ports back (ms)", "streams back (ms)", "audio gap A (ms)", "audio gap B (ms)"],
    r.restarts.map((x, i) => [
      i + 1,
      x.kind,
      x.atMin.toFixed(2),
      x.sandboxMs,
      x.portsMs ?? "never",
      x.streamsMs ?? `never: ${(x.lagging ?? []).slice(0, 3).join(" ")}`,
      audio.a?.gapsMs[i] ?? "—",
      audio.b?.gapsMs[i] ?? "—",
    ]),
  );

  if (end) {
    const c = end.churn;
    console.log(
      `\nchurn: acknowledged ${c.acked.create} creates, ${c.acked.patch} patches, ${c.acked.delete} deletes; ` +
        `refused ${JSON.stringify(c.refused)}; no answer ${c.unknown.length}${c.unknown.length ? ` (${c.unknown.slice(0, 3).join("; ")})` : ""}`,
    );
    for (const x of c.refusals) {
      console.log(`  refused: ${x.at} ${x.method} ${x.path} → ${x.status} ${JSON.stringify(x.problem)} (body ${JSON.stringify(x.body)})`);
    }
    console.log(
      `GET /streams at the end: ${end.streams.count} streams, expected ${end.streams.expected}; states ${JSON.stringify(end.states)}; ` +
        `problems: ${end.streams.problems.length ? end.streams.problems.slice(0, 10).join(", ") : "none"}`,
    );
    const s = end.sse;
    console.log(
      `SSE: ${s.events} events delivered (per client ${s.minEvents}..${s.maxEvents}), last id ${s.lastId}, clients behind at the end ${s.behind}, ` +
        `ids missed ${s.missing}, duplicates ${s.duplicates}, reconnections ${s.reconnects}, refusals ${s.refusals}, overflows ${s.overflows}, replay gaps ${s.replayGaps}`,
    );
    console.log(`SSE events by type (first client): ${JSON.stringify(s.typesOfFirstClient)}`);
  }
  const a = r.attacks ?? {};
  if (a.flood) {
    console.log(
      `attacks: RTP flood ${a.flood.packets} packets (${a.flood.pairs} pairs); garbage UDP ${a.garbage.datagrams}; ` +
        `slow/idle connections opened ${a.slow.opened}, closed by rocd ${a.slow.closedByServer}; ` +
        `malformed HTTP ${a.malformed.sent}, answers ${JSON.stringify(a.malformed.answers)}`,
    );
  }

  console.log("\nmemory, descriptors, CPU (rocd)");
  const fdDiff = {};
  if (end) {
    for (const k of new Set([...Object.keys(quietStart.fdKinds.kinds), ...Object.keys(end.quiet.fdKinds.kinds)])) {
      const d = (end.quiet.fdKinds.kinds[k] ?? 0) - (quietStart.fdKinds.kinds[k] ?? 0);
      if (d !== 0) fdDiff[k] = d;
    }
  }
  table(
    ["figure", "value"],
    [
      ["RSS quiet before the load", `${mib(quietStart.rssKiB)} MiB`],
      [`RSS settled (median, ${(settleFrom / 60_000).toFixed(1)}–${(settleTo / 60_000).toFixed(1)} min)`, `${mib(settled)} MiB`],
      ["RSS at the end (median of the last 3 samples)", `${mib(endRss)} MiB (${(100 * (endRss / settled - 1)).toFixed(1)} %)`],
      ["RSS max", `${mib(maxRss)} MiB`],
      ["RSS anon / file / shmem, end of the settle window", settleLast ? split(settleLast) : "—"],
      ["RSS anon / file / shmem, last sample", samples.length ? split(samples.at(-1)) : "—"],
      ["RSS quiet after the load", end ? `${mib(end.quiet.rssKiB)} MiB` : "—"],
      ["RSS anon / file / shmem, quiet before", split(quietStart)],
      ["RSS anon / file / shmem, quiet after", end ? split(end.quiet) : "—"],
      ["fds quiet before / after the load (3 s, then ≤ 20 s)", end ? `${quietStart.fds} / ${end.quietFirst.fds}, ${end.quiet.fds} ${JSON.stringify(fdDiff)}` : "—"],
      ["eventfds more at the end: fd@epoll (descriptors that epoll watches)", end?.newEventfds?.length ? end.newEventfds.map((e) => `${e.fd}@${e.epoll ?? "none"} (${e.epollWatches})`).join(", ") : "none"],
      ["fds under load min..max", `${Math.min(...samples.map((s) => s.fds))}..${Math.max(...samples.map((s) => s.fds))}`],
      ["threads before / after", end ? `${quietStart.threads} / ${end.quiet.threads}` : "—"],
      ["CPU, mean over the run", r.cpuPercent === null ? "—" : `${r.cpuPercent.toFixed(1)} % of a core`],
      ["CPU, busiest 10 s", intervals.length ? `${Math.max(...intervals).toFixed(1)} % of a core` : "—"],
      ["machine load average (1 min), mean / max", samples.length ? `${(samples.reduce((n, s) => n + s.load, 0) / samples.length).toFixed(2)} / ${Math.max(...samples.map((s) => s.load)).toFixed(2)}` : "—"],
    ],
  );

  console.log("\njudged audio (1 kHz tone, 10 ms windows over the run; unrecorded time counts as unclean)");
  table(
    ["chain", "windows", "recorded", "clean, all", "restart gaps (windows)", "clean outside restart gaps", "glitches outside gaps", "longest (ms)"],
    ["a", "b"]
      .filter((k) => audio[k])
      .map((k) => {
        const x = audio[k];
        return [
          k === "a" ? "A rocd-send → rx stream → sink (flooded)" : "B pw-play → virtual speaker → tx stream → rocd-recv",
          x.windows,
          x.recorded,
          pct(x.cleanShare),
          x.windows - x.steadyWindows,
          pct(x.steadyShare),
          x.glitches,
          x.longestGlitchMs,
        ];
      }),
  );
  const sum = (side, key) => r.judgedMetrics.reduce((n, m) => n + ((key ? m[side]?.[key] : m[side]) ?? 0), 0);
  if (r.judgedMetrics.length) {
    console.log(
      `judged A receive stream (summed over its ${r.judgedMetrics.length} runs between restarts): packets received ${sum("a", "packets_received")}, ` +
        `lost ${sum("a", "packets_lost")}, recovered by FEC ${sum("a", "packets_recovered")}, late ${sum("a", "packets_late")}, xruns ${sum("a", "xruns")}, sessions at each look ${r.judgedMetrics.map((m) => m.a?.sessions).join(",")}; ` +
        `judged B send stream: packets sent ${sum("b", "packets_sent")}, xruns ${sum("b", "xruns")}; ` +
        `xruns of all static receive / send streams: ${sum("xrunsReceive")} / ${sum("xrunsSend")}`,
    );
  }
  if (r.restartedRocd) {
    const x = r.restartedRocd;
    console.log(
      `\nrocd stopped with SIGTERM: ${JSON.stringify(x.exit)}; restarted on the same state: ${x.streams.count} streams ` +
        `(expected ${x.streams.expected}), problems: ${x.streams.problems.length ? x.streams.problems.slice(0, 5).join(", ") : "none"}`,
    );
  }
  for (const n of [...r.notes, ...(r.chainNotes ?? [])]) console.log(`note: ${n}`);
  if (r.crash) console.log(`CRASH: ${r.crash}`);

  const steadyOk = (k) => audio[k] !== undefined && audio[k].steadyShare >= 0.999;
  const criteria = [
    ["rocd ran the whole soak", !r.crash, r.crash ?? "no crash"],
    ["every PipeWire restart recovered (ports and streams)", r.restarts.length > 0 && r.restarts.every((x) => x.streamsMs !== null), `${r.restarts.filter((x) => x.streamsMs !== null).length}/${r.restarts.length}`],
    ["RSS at the end within 10 % of settled", Math.abs(endRss / settled - 1) <= 0.1, `${mib(settled)} → ${mib(endRss)} MiB`],
    ["no file descriptor leaked", !!end && end.quiet.fds <= quietStart.fds, end ? `${quietStart.fds} → ${end.quiet.fds}` : "—"],
    ["every acknowledged change present", !!end && end.streams.problems.length === 0 && end.churn.unknown.length === 0, end ? `${end.streams.problems.length} problems, ${end.churn.unknown.length} unanswered` : "—"],
    ["the same streams after a restart of rocd", !!r.restartedRocd && r.restartedRocd.streams.problems.length === 0 && r.restartedRocd.exit?.code === 0, r.restartedRocd ? `exit ${r.restartedRocd.exit?.code}, ${r.restartedRocd.streams.problems.length} problems` : "—"],
    ["every SSE client got every event", !!end && end.sse.behind === 0 && end.sse.missing === 0 && end.sse.replayGaps === 0, end ? `${end.sse.behind} behind, ${end.sse.missing} missed` : "—"],
    ["audio A clean ≥ 99.9 % outside restart gaps", steadyOk("a"), pct(audio.a?.steadyShare)],
    ["audio B clean ≥ 99.9 % outside restart gaps", steadyOk("b"), pct(audio.b?.steadyShare)],
  ];
  console.log("\ncriteria");
  table(["criterion", "figure", "verdict"], criteria.map(([name, ok, figure]) => [name, figure, ok ? "PASS" : "FAIL"]));
  console.log(`(info, not a criterion: audio clean over all windows, restart gaps included: A ${pct(audio.a?.cleanShare)}, B ${pct(audio.b?.cleanShare)})`);
  r.criteria = criteria.map(([name, ok, figure]) => ({ name, ok, figure }));
  return criteria.filter(([, ok]) => !ok).length;
}
