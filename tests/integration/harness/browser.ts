// A real browser for the web admin's tests: Debian's chromium driven by
// playwright-core (no browser download: `npx playwright install` cannot work
// here), headless, with a fresh profile in a temporary directory.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { chromium, type BrowserContext, type Page } from "playwright-core";

import { integrationDir, tempDir } from "./daemon.js";

export const chromiumPath = process.env.ROCD_CHROMIUM ?? "/usr/bin/chromium";

/** Where the screenshots of each view go (docs/web-admin.md shows them). */
export const screenshotDir = process.env.ROCD_SCREENSHOTS ?? resolve(integrationDir, "out", "screenshots");

export interface Browser {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1280, height: 720 }): Promise<Browser> {
  const profile = tempDir("rocd-chromium-");
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    close: async () => {
      await context.close();
      profile.remove();
    },
  };
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
