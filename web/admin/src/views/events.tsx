// The live log: every change this daemon tells, newest first, filtered by
// kind and by text.
import { useState } from "preact/hooks";

import { log } from "../live";

export function Events() {
  const [kind, setKind] = useState("all");
  const [text, setText] = useState("");
  const shown = log.value.filter(
    (e) => (kind === "all" || e.type.startsWith(kind)) && (!text || `${e.type} ${e.uri} ${JSON.stringify(e.data)}`.toLowerCase().includes(text.toLowerCase())),
  );
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      <div class="filters">
        <label>
          Kind{" "}
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            <option value="all">all</option>
            <option value="peer_">peers</option>
            <option value="port_">ports</option>
            <option value="stream_">streams</option>
          </select>
        </label>
        <label>
          Containing <input value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <ol class="log" aria-live="off">
        {shown.map((e) => (
          <li key={`${e.id}-${e.at.getTime()}-${e.uri}`}>
            <time dateTime={e.at.toISOString()}>{e.at.toLocaleTimeString()}</time> <strong>{e.type}</strong> <code>{e.uri}</code>
          </li>
        ))}
      </ol>
    </section>
  );
}
