// The compiled CLI: every TypeScript source under src/ transpiled file by file by esbuild (same folder layout,
// so import.meta.url-relative workers resolve alike), cached under a fingerprint of the sources. Plain JavaScript,
// so bin/netsize.js can call it before any TypeScript loader exists.
//   node scripts/build.mjs          build (or reuse) the cached build for the current sources, print its folder
//   node scripts/build.mjs --dist   build into dist/ (what a published package ships; `npm pack` runs it)
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const STAMP = "netsize-build.json";
const BUILD_VERSION = 1;
const STALE_MS = 60 * 60 * 1000;

/** Every .ts file under `dir` (relative paths, sorted). */
function sources(dir, rel = "") {
  const out = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...sources(dir, r));
    else if (e.name.endsWith(".ts")) out.push(r);
  }
  return out.sort();
}

/** A fingerprint of the sources (path, size, modification time of each): a changed file gives a new build. */
export function fingerprint(root) {
  const src = path.join(root, "src");
  const h = createHash("sha256").update(`v${BUILD_VERSION}\n`);
  for (const f of sources(src)) {
    const s = statSync(path.join(src, f));
    h.update(`${f}\t${s.size}\t${s.mtimeMs}\n`);
  }
  return h.digest("hex").slice(0, 16);
}

/** Whether `dir` holds a complete build of the sources with this fingerprint. */
function complete(dir, fp) {
  try {
    return JSON.parse(readFileSync(path.join(dir, STAMP), "utf8")).fingerprint === fp;
  } catch {
    return false;
  }
}

async function transpile(root, outdir) {
  const { build } = await import("esbuild");
  const src = path.join(root, "src");
  await build({
    entryPoints: sources(src).map((f) => path.join(src, f)),
    outdir,
    outbase: src,
    format: "esm",
    platform: "node",
    target: "node20",
    bundle: false,
    logLevel: "error",
  });
}

/** The folder of a build of root's sources (cli/main.js inside), built now if the cache has none; undefined without esbuild. */
export async function ensureBuilt(root) {
  const fp = fingerprint(root);
  const cache = path.join(root, "node_modules", ".cache", "netsize-cli");
  const dir = path.join(cache, fp);
  if (complete(dir, fp)) return dir;
  try {
    await import("esbuild");
  } catch {
    return undefined;
  }
  mkdirSync(cache, { recursive: true });
  // Built aside and renamed into place, so concurrent first runs (a test suite) never see half a build.
  const tmp = path.join(cache, `tmp-${process.pid}-${Date.now()}`);
  await transpile(root, tmp);
  writeFileSync(path.join(tmp, STAMP), JSON.stringify({ fingerprint: fp, built: new Date().toISOString() }));
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    if (!complete(dir, fp)) throw new Error(`netsize: could not place the compiled CLI in ${dir}`);
  }
  // Older builds go once they have been unused for an hour (a running CLI may still load from its own).
  const now = Date.now();
  for (const e of readdirSync(cache)) {
    const p = path.join(cache, e);
    if (e !== fp && now - statSync(p).mtimeMs > STALE_MS) rmSync(p, { recursive: true, force: true });
  }
  return dir;
}

/** Mark a cached build as used (its folder's time), so the clean-up above keeps it. */
export function touch(dir) {
  const t = new Date();
  try {
    utimesSync(dir, t, t);
  } catch {
    /* read-only install: nothing to keep fresh */
  }
}

/** Whether dist/ holds a build of exactly these sources (a published package, or `--dist` after the last edit). */
export function distCurrent(root) {
  const dist = path.join(root, "dist");
  if (!existsSync(path.join(dist, "cli", "main.js"))) return false;
  return !existsSync(path.join(root, "src")) || complete(dist, fingerprint(root));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  if (process.argv.includes("--dist")) {
    const dist = path.join(root, "dist");
    rmSync(dist, { recursive: true, force: true });
    await transpile(root, dist);
    writeFileSync(path.join(dist, STAMP), JSON.stringify({ fingerprint: fingerprint(root), built: new Date().toISOString() }));
    // The studio's page, built by Vite with the compiled server's own builder, so an installed netsize needs no Vite.
    const { buildStudio } = await import(pathToFileURL(path.join(dist, "studio", "server", "build.js")).href);
    await buildStudio(root, path.join(dist, "studio-page"));
    console.log(dist);
  } else {
    console.log((await ensureBuilt(root)) ?? "esbuild is not installed: the CLI runs the TypeScript sources through tsx");
  }
}
