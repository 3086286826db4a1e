// Bundles the web admin (src/main.tsx) with esbuild into OUT (default
// dist/): index.html and the hashed app-*.js and app-*.css it names, which
// rocd serves at / and /admin/ (immutable: a new build has new names).
//
//   node build.mjs [OUT]
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import * as esbuild from "esbuild";

const out = process.argv[2] ?? "dist";
const result = await esbuild.build({
  entryPoints: ["src/main.tsx"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  write: false,
  outdir: "out",
  entryNames: "app",
  logLevel: "warning",
});
mkdirSync(out, { recursive: true });
for (const old of readdirSync(out)) rmSync(join(out, old), { recursive: true });
const names = {};
let gzipped = 0;
for (const file of result.outputFiles) {
  const ext = file.path.endsWith(".css") ? "css" : "js";
  const hash = createHash("sha256").update(file.contents).digest("hex").slice(0, 12);
  names[ext] = `app-${hash}.${ext}`;
  writeFileSync(join(out, names[ext]), file.contents);
  gzipped += gzipSync(file.contents, { level: 9 }).length;
}
const html = readFileSync("src/index.html", "utf8")
  .replace("{{css}}", names.css ? `<link rel="stylesheet" href="/admin/${names.css}">` : "")
  .replace("{{js}}", `<script type="module" src="/admin/${names.js}"></script>`);
writeFileSync(join(out, "index.html"), html);
console.log(`web admin: ${Object.values(names).join(", ")} in ${out} (${(gzipped / 1024).toFixed(1)} kB gzipped)`);
