// The web admin at / in a real browser (Debian's chromium through
// playwright-core) against real daemons (--driver mock): live ports, a
// virtual speaker made in the page and one made by rocctl appearing without
// a reload, the routing matrix making and deleting streams (also between two
// peers, which turn to "waiting for peer" when one stops), a volume slider,
// pairing two daemons, and the token prompt. Screenshots of each view go to
// out/screenshots (ROCD_SCREENSHOTS), shown in docs/web-admin.md.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { openBrowser, screenshot } from "../harness/browser.js";
import { startDaemon, tempDir, type Daemon } from "../harness/daemon.js";
import { fleetOfTwo, peerOn, until } from "../harness/fleet.js";
import { httpRequest } from "../harness/http.js";
import { runRocctl } from "../harness/rocctl.js";
import { portUri, streamCount } from "../harness/streams.js";

const cell = (source: string, destination: string) => `button[data-source="${source}"][data-destination="${destination}"]`;

async function view(page: import("playwright-core").Page, name: string) {
  await page.getByRole("navigation", { name: "Views" }).getByRole("button", { name }).click();
}

describe("web admin", () => {
  it("serves the page and its files with the right types, and nothing else under /admin", async () => {
    const d = await startDaemon();
    try {
      const page = await fetch(`${d.baseUrl}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
      assert.equal(page.headers.get("cache-control"), "no-cache");
      const html = await page.text();
      const script = html.match(/src="(\/admin\/app-[0-9a-f]+\.js)"/)?.[1];
      assert.ok(script, html);
      const js = await fetch(`${d.baseUrl}${script}`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
      assert.match(js.headers.get("cache-control") ?? "", /immutable/);
      // Sent as they are (fetch would resolve the dots itself).
      for (const path of ["/admin/", "/admin/../openapi.yaml", "/admin/%2e%2e/openapi.yaml", "/admin/index.htm", "/admin/../../etc/passwd"]) {
        const r = await httpRequest(d.port, { path });
        assert.equal(r.status, 404, path);
      }
    } finally {
      await d.stop();
    }
  });

  it("shows the ports live; a virtual speaker made in the page or by rocctl appears without a reload; a volume slider sets the volume", async () => {
    const d = await startDaemon();
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await page.goto(`${d.baseUrl}/#ports`);
      await page.getByText("Live", { exact: true }).waitFor();
      await page.getByRole("textbox", { name: "Name of Mock microphone" }).waitFor();
      await page.getByRole("textbox", { name: /Name of a new virtual device/ }).fill("Page speaker");
      await page.getByRole("button", { name: "Add virtual speaker" }).click();
      await page.getByRole("textbox", { name: "Name of Page speaker" }).waitFor();

      const made = await runRocctl(["--url", d.baseUrl, "port", "create", "--virtual", "speaker", "--name", "Shell speaker"]);
      assert.equal(made.code, 0, made.stderr);
      await page.getByRole("textbox", { name: "Name of Shell speaker" }).waitFor();

      const slider = page.getByRole("slider", { name: "Volume of Mock speakers" });
      await slider.fill("0.4");
      const speakers = await portUri(d, "Mock speakers");
      await until("the volume through the API", async () => {
        const { data } = await d.client.GET("/peers/{peer}/ports/{port}", { params: { path: { peer: "self", port: speakers.split("/")[4]! } } });
        return data;
      }, (p) => Math.abs((p?.volume ?? 0) - 0.4) < 0.001);
      await screenshot(page, "ports");
      await view(page, "Events");
      await page.getByText("port_added").first().waitFor();
      await screenshot(page, "events");
    } finally {
      await browser.close();
      await d.stop();
    }
  });

  it("a cross-point makes a stream and shows it active; clicked again, deletes it", async () => {
    const d = await startDaemon();
    const browser = await openBrowser();
    try {
      const { page } = browser;
      const mic = await portUri(d, "Mock microphone");
      const speakers = await portUri(d, "Mock speakers");
      await page.goto(`${d.baseUrl}/`);
      const point = page.locator(cell(mic, speakers));
      await point.click();
      await page.locator(`${cell(mic, speakers)}[data-state="active"]`).waitFor();
      assert.equal(await streamCount(d), 1);
      await screenshot(page, "routing");
      await view(page, "Streams");
      await page.getByRole("button", { name: "Details" }).click();
      await page.getByRole("heading", { name: /Mock microphone → .*Mock speakers/ }).waitFor();
      await page.waitForTimeout(2500); // a few stream_metrics for the graph
      await screenshot(page, "stream");
      await view(page, "Routing");
      await point.click();
      await page.locator(`${cell(mic, speakers)}[data-state="none"]`).waitFor();
      assert.equal(await streamCount(d), 0);

      // An address as a destination: typed once, then a cross-point like the others.
      const address = "rtp://127.0.0.1:39876";
      await page.getByRole("textbox", { name: "Address to send to" }).fill(address);
      await page.getByRole("button", { name: "Add a destination address" }).click();
      await page.locator(cell(mic, `address:${address}`)).click();
      await page.locator(`${cell(mic, `address:${address}`)}:not([data-state="none"])`).waitFor();
      const { data } = await d.client.GET("/streams");
      assert.equal((data![0]!.destination as { media_uri?: string }).media_uri, address);
    } finally {
      await browser.close();
      await d.stop();
    }
  });

  it("connects two peers' ports with one click; the cross-point waits for a stopped peer and is active again when it is back", async (t) => {
    const aDir = tempDir();
    const bDir = tempDir();
    t.after(() => {
      aDir.remove();
      bDir.remove();
    });
    const fleet = await fleetOfTwo([], bDir.path, {}, aDir.path);
    const { a } = fleet;
    let b: Daemon = fleet.b;
    const browser = await openBrowser();
    try {
      const { page } = browser;
      const mic = await portUri(a, "Mock microphone");
      const speakers = await portUri(b, "Mock speakers");
      await page.goto(`${a.baseUrl}/`);
      await page.locator(cell(mic, speakers)).click();
      await page.locator(`${cell(mic, speakers)}[data-state="active"]`).waitFor();
      assert.equal(await streamCount(b), 1, "B holds the receiving half");
      await b.stop();
      await page.locator(`${cell(mic, speakers)}[data-state="waiting_for_peer"]`).waitFor({ timeout: 8000 });
      assert.match((await page.locator(cell(mic, speakers)).textContent()) ?? "", /waiting for peer/);
      b = await fleet.startB();
      await page.locator(`${cell(mic, speakers)}[data-state="active"]`).waitFor({ timeout: 15000 });
      await view(page, "Peers");
      // The round trip moves without a peer event: peer_metrics brings it.
      await page.locator(`tr[data-peer="${fleet.bUid}"]`).getByText(/^\d+\.\d ms$/).waitFor();
      await screenshot(page, "peers");
    } finally {
      await browser.close();
      await a.stop();
      await b.stop();
    }
  });

  it("pairs two daemons: the code shown on one, typed on the other", async () => {
    const a = await startDaemon();
    const b = await startDaemon();
    const browserA = await openBrowser();
    const browserB = await openBrowser();
    try {
      const bSelf = (await peerOn(b, "self"))!;
      const aUid = (await peerOn(a, "self"))!.peer_uid;
      const dialed = await a.client.POST("/peers", { body: { address: bSelf.addresses[0]!, public_key: bSelf.public_key! } });
      assert.equal(dialed.response.status, 202);
      await until("B discovered on A", () => peerOn(a, bSelf.peer_uid), (p) => p?.state === "online");
      await until("A discovered on B", () => peerOn(b, aUid), (p) => p?.state === "online");
      await browserA.page.goto(`${a.baseUrl}/#peers`);
      await browserB.page.goto(`${b.baseUrl}/#peers`);
      await browserA.page.locator(`tr[data-peer="${bSelf.peer_uid}"]`).getByRole("button", { name: "Pair" }).click();
      const code = await browserA.page.locator("[data-code]").getAttribute("data-code");
      assert.match(code ?? "", /^\d{6}$/);
      const input = browserB.page.getByRole("textbox", { name: /Code shown on/ });
      await input.fill(code!);
      await browserB.page.getByRole("button", { name: "Confirm" }).click();
      await until("trusted both ways", async () => [await peerOn(a, bSelf.peer_uid), await peerOn(b, aUid)], (ps) => ps!.every((p) => p?.trust === "trusted"));
      await browserB.page.locator(`tr[data-peer="${aUid}"]`).getByText("trusted").waitFor();
    } finally {
      await browserA.close();
      await browserB.close();
      await a.stop();
      await b.stop();
    }
  });

  it("asks for the token when the API wants one: a wrong one is refused, the right one works, none in the URL", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    const d = await startDaemon({ stateDir: state.path, args: ["--require-token"] });
    const browser = await openBrowser();
    try {
      const token = readFileSync(join(state.path, "api-token"), "utf8").trim();
      const { page } = browser;
      await page.goto(`${d.baseUrl}/#ports`);
      const field = page.getByRole("dialog").getByLabel("Access token");
      await field.fill("not-the-token-at-all-not-the-token");
      await page.getByRole("button", { name: "Use it" }).click();
      await page.getByText("That token was refused").waitFor();
      await field.fill(token);
      await page.getByRole("button", { name: "Use it" }).click();
      await page.getByRole("textbox", { name: "Name of Mock microphone" }).waitFor();
      await page.getByText("Live", { exact: true }).waitFor();
      assert.ok(!page.url().includes(token));
      assert.ok(!d.logs().includes(token));
    } finally {
      await browser.close();
      await d.stop();
    }
  });

  it("says when the connection is lost, and once the daemon is back, is live again with what changed meanwhile", async (t) => {
    const state = tempDir();
    t.after(() => state.remove());
    let d = await startDaemon({ stateDir: state.path });
    const again = () => startDaemon({ stateDir: state.path, listen: false, args: ["--listen", `127.0.0.1:${d.port}`] });
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await page.goto(`${d.baseUrl}/#ports`);
      await page.getByText("Live", { exact: true }).waitFor();
      await d.stop();
      await page.getByText("Connection lost: reconnecting…").waitFor();
      d = await again();
      const made = await d.client.POST("/peers/{peer}/ports", { params: { path: { peer: "self" } }, body: { direction: "output", display_name: "While away" } });
      assert.equal(made.response.status, 201);
      await page.getByText("Live", { exact: true }).waitFor({ timeout: 15000 });
      await page.getByRole("textbox", { name: "Name of While away" }).waitFor();
    } finally {
      await browser.close();
      await d.stop();
    }
  });

  it("fits a phone-sized screen: the matrix scrolls, the views stay usable", async () => {
    const d = await startDaemon();
    const browser = await openBrowser({ width: 375, height: 740 });
    try {
      const { page } = browser;
      await page.goto(`${d.baseUrl}/`);
      await page.getByText("Live", { exact: true }).waitFor();
      const width = await page.evaluate("document.documentElement.scrollWidth");
      assert.ok(Number(width) <= 375, `the page is ${String(width)} px wide`);
      // Keyboard: the first cross-point takes focus and Enter connects it.
      const first = page.locator(".matrix button").first();
      await first.focus();
      await page.keyboard.press("Enter");
      await page.locator(".matrix button[data-state='active']").first().waitFor();
      await screenshot(page, "routing-phone");
    } finally {
      await browser.close();
      await d.stop();
    }
  });
});
