// The studio's page, built by Vite from src/studio/app (with the library's sources it imports) into a
// cache folder named by a fingerprint of the sources, so an unchanged checkout builds once. A packed
// netsize ships the build in dist/studio-page (scripts/build.mjs --dist runs buildStudio), so an installed
// copy needs no Vite.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fail } from "../../core/errors.js";
import type { Progress } from "../../core/lens.js";

const STAMP = "studio-build.json";
const BUILD_VERSION = 1;

/** The netsize package folder above this module (sources and compiled files alike). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const f = path.join(dir, "package.json");
    if (existsSync(f) && (JSON.parse(readFileSync(f, "utf8")) as { name?: string }).name === "netsize") return dir;
    dir = path.dirname(dir);
  }
  return fail("IO_ERROR", "netsize's package.json was not found above the studio's server module");
}

function files(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...files(dir, r));
    else out.push(r);
  }
  return out.sort();
}

/** A fingerprint of everything under src/ (path, size, modification time): an edit gives a new build. */
export function studioFingerprint(root: string): string {
  const src = path.join(root, "src");
  const h = createHash("sha256").update(`studio v${BUILD_VERSION}\n`);
  for (const f of files(src)) {
    const s = statSync(path.join(src, f));
    h.update(`${f}\t${s.size}\t${s.mtimeMs}\n`);
  }
  return h.digest("hex").slice(0, 16);
}

/** Whether `dir` holds a complete studio build (of `fp`, when given). */
function complete(dir: string, fp?: string): boolean {
  const stamp = path.join(dir, STAMP);
  if (!existsSync(stamp) || !existsSync(path.join(dir, "index.html"))) return false;
  if (fp === undefined) return true;
  try { return (JSON.parse(readFileSync(stamp, "utf8")) as { fingerprint?: string }).fingerprint === fp; } catch { return false; }
}

/** Modules in a build of the page, for the progress bar before the first build has counted them. */
const EXPECTED_MODULES = 600;

/** Whether Vite can be loaded (a checkout with its devDependencies). */
async function viteAvailable(): Promise<boolean> {
  try { await import("vite"); return true; } catch { return false; }
}

/** Build the page with Vite into `outDir` (replaced); `onProgress` counts the modules transformed. */
export async function buildStudio(root: string, outDir: string, onProgress?: (p: Progress) => void, expected?: number): Promise<void> {
  let vite: typeof import("vite");
  try { vite = await import("vite"); } catch {
    return fail("BAD_ARGUMENT", "netsize studio needs Vite to build its page from the sources (npm install in the netsize checkout), or a packed netsize with dist/studio-page");
  }
  const fp = studioFingerprint(root);
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  let modules = 0;
  const total = expected ?? previousModules(path.dirname(outDir)) ?? EXPECTED_MODULES;
  await vite.build({
    configFile: false, root: path.join(root, "src", "studio", "app"), base: "./", logLevel: "error", publicDir: false,
    plugins: [{ name: "netsize-progress", transform() { modules++; onProgress?.({ done: Math.min(modules, total), total, stage: "modules" }); return null; } }],
    build: { outDir: tmp, emptyOutDir: true, target: "es2022", reportCompressedSize: false, chunkSizeWarningLimit: 100_000, assetsInlineLimit: 0 },
  });
  writeFileSync(path.join(tmp, STAMP), JSON.stringify({ fingerprint: fp, built: new Date().toISOString(), modules }));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.dirname(outDir), { recursive: true });
  renameSync(tmp, outDir);
}

/** The module count of any earlier build beside `dir` (its stamp), for the progress bar's total. */
function previousModules(dir: string): number | undefined {
  if (!existsSync(dir)) return undefined;
  for (const e of readdirSync(dir)) {
    try {
      const m = (JSON.parse(readFileSync(path.join(dir, e, STAMP), "utf8")) as { modules?: number }).modules;
      if (typeof m === "number" && m > 0) return m;
    } catch { /* not a build */ }
  }
  return undefined;
}

/**
 * The folder of a current studio build: dist/studio-page when it matches the sources (or there are no
 * sources), else a cached build under node_modules/.cache/netsize-studio, built now when missing.
 */
export async function studioApp(onBuild?: () => void, onProgress?: (p: Progress) => void): Promise<string> {
  const root = packageRoot();
  const dist = path.join(root, "dist", "studio-page");
  const hasSrc = existsSync(path.join(root, "src", "studio", "app", "index.html"));
  if (complete(dist, hasSrc ? studioFingerprint(root) : undefined)) return dist;
  if (!hasSrc) return fail("BAD_ARGUMENT", `netsize studio: ${dist} holds no build and there are no sources to build it from; reinstall netsize`);
  // An installed package: npm pack stamps every file with one fixed time, so the fingerprint of its
  // sources never matches the build it ships; without Vite to rebuild, the shipped build is the page.
  if (complete(dist) && !(await viteAvailable())) return dist;
  const fp = studioFingerprint(root);
  const cache = path.join(root, "node_modules", ".cache", "netsize-studio");
  const dir = path.join(cache, fp);
  if (complete(dir, fp)) return dir;
  onBuild?.();
  const expected = previousModules(cache);
  // Older builds go (one per edit of the sources would pile up otherwise).
  if (existsSync(cache)) for (const e of readdirSync(cache)) if (e !== fp && !e.includes(".tmp-")) rmSync(path.join(cache, e), { recursive: true, force: true });
  await buildStudio(root, dir, onProgress, expected);
  return dir;
}
