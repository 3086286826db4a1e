// The page: a tab per view, a line that says whether the page is live,
// and the token prompt when the API asks for one.
import { useEffect, useState } from "preact/hooks";

import { api, setToken, tokenWanted } from "./api";
import { connection, follow } from "./live";
import { Events } from "./views/events";
import { Matrix } from "./views/matrix";
import { Peers } from "./views/peers";
import { Ports } from "./views/ports";
import { StreamDetail, StreamList } from "./views/streams";

type View = "routing" | "ports" | "streams" | "peers" | "events";
const views: [View, string][] = [
  ["routing", "Routing"],
  ["ports", "Ports"],
  ["streams", "Streams"],
  ["peers", "Peers"],
  ["events", "Events"],
];

function TokenPrompt() {
  const [value, setValue] = useState("");
  if (!tokenWanted.value) return null;
  return (
    <div class="token" role="dialog" aria-modal="true" aria-labelledby="token-title">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) setToken(value.trim());
        }}
      >
        <h2 id="token-title">Access token</h2>
        <p>
          {tokenWanted.value === "wrong"
            ? "That token was refused. Type the token of this daemon (its access_token file)."
            : "This daemon wants a token. Type the token of this daemon (its access_token file); it is kept in this tab only."}
        </p>
        <input type="password" aria-label="Access token" autoFocus value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        <button type="submit">Use it</button>
      </form>
    </div>
  );
}

function Connection() {
  const text = { connecting: "Connecting…", live: "Live", reconnecting: "Connection lost: reconnecting…" }[connection.value];
  return (
    <p class={`connection connection-${connection.value}`} role="status" aria-live="polite">
      {text}
    </p>
  );
}

export function App() {
  const [view, setView] = useState<View>(() => (location.hash.slice(1) as View) || "routing");
  const [open, setOpen] = useState<string | null>(null);
  const [name, setName] = useState("");
  useEffect(() => {
    let stopped = false;
    (async () => {
      for (;;) {
        const r = await api.GET("/status");
        if (r.data) {
          const self = await api.GET("/peers/{peer}", { params: { path: { peer: "self" } } });
          if (self.data) setName(self.data.display_name);
          void follow(r.data.peer_uid);
          return;
        }
        if (stopped) return;
        await new Promise((resolve) => setTimeout(resolve, tokenWanted.value ? 300 : 1000));
      }
    })();
    return () => {
      stopped = true;
    };
  }, []);
  const go = (v: View) => {
    setView(v);
    setOpen(null);
    history.replaceState(null, "", `#${v}`);
  };
  return (
    <>
      <header>
        <h1>rocd{name ? `: ${name}` : ""}</h1>
        <Connection />
        <nav aria-label="Views">
          {views.map(([v, label]) => (
            <button key={v} type="button" aria-current={view === v ? "page" : undefined} onClick={() => go(v)}>
              {label}
            </button>
          ))}
        </nav>
      </header>
      <main>
        {view === "routing" ? <Matrix /> : null}
        {view === "ports" ? <Ports /> : null}
        {view === "streams" ? open ? <StreamDetail uid={open} onClose={() => setOpen(null)} /> : <StreamList onOpen={setOpen} /> : null}
        {view === "peers" ? <Peers /> : null}
        {view === "events" ? <Events /> : null}
      </main>
      <TokenPrompt />
    </>
  );
}
