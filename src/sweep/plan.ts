// A sweep plan (plan.yaml): a grid and/or seeded random draws over `netsize train` settings, the
// snapshots to keep and the lenses to run on each — expanded into jobs, each named by a hash of its
// canonical configuration and netsize's version (so re-submitting a plan is idempotent).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { fail } from "../core/errors.js";
import { createRng } from "../core/random.js";
import { lensNamed } from "../lenses/registry.js";
import { resolveConfig, TRAIN_DEFAULTS, type TrainConfig } from "../train/index.js";
import { readTextFile } from "../node/files.js";

/** What a lens runs on besides the snapshot: nothing, a slice through three points, a line, a box spec, or a data set ("train", "test" or a data spec). */
export interface LensInputSpec {
  plane?: number[][];
  line?: number[][];
  box?: string;
  data?: string;
}

/** One lens of a plan: its registry name, options and input. */
export interface LensSpec extends LensInputSpec {
  lens: string;
  options?: Record<string, unknown>;
}

/** One job: train one network, keep its snapshots, run every lens on each. */
export interface SweepJob {
  /** sha256 (hex, 24 digits) of the canonical job and netsize's version. */
  id: string;
  /** The settings this job varies (grid and random keys), for tables. */
  params: Record<string, unknown>;
  /** The full training settings, defaults filled. */
  train: TrainConfig;
  /** Epochs after which the lenses run (the last epoch always among them). */
  snapshots: number[];
  lenses: LensSpec[];
  version: string;
}

/** A parsed plan and its jobs. */
export interface SweepPlan {
  name: string;
  file: string;
  /** The DuckDB file of the results (default: the plan's name + .duckdb beside it). */
  store: string;
  jobs: SweepJob[];
}

const PLAN_KEYS = ["name", "train", "grid", "random", "snapshots", "lenses", "store"];
// The optional settings (no default) besides those TRAIN_DEFAULTS lists.
const TRAIN_KEYS = new Set<string>(["arch", "data", "testData", "labelColumn", "biasStd", "initStd", "initFrom", "steps", ...Object.keys(TRAIN_DEFAULTS)]);
/** The most jobs one plan may expand to (checked before any is built). */
export const MAX_JOBS = 100_000;

let cachedVersion: string | undefined;
/** netsize's version, from the package.json above this module (sources and compiled files alike). */
export function netsizeVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const f = path.join(dir, "package.json");
    if (existsSync(f)) {
      const pkg = JSON.parse(readFileSync(f, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "netsize" && pkg.version) return (cachedVersion = pkg.version);
    }
    dir = path.dirname(dir);
  }
  return (cachedVersion = "unknown");
}

/** JSON with object keys sorted at every depth: the same configuration always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The id of a job: a hash of its training settings, snapshots, lenses and netsize's version. */
export function jobId(train: TrainConfig, snapshots: number[], lenses: LensSpec[], version: string): string {
  return createHash("sha256").update(canonicalJson({ train, snapshots, lenses, version })).digest("hex").slice(0, 24);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** A random draw of one setting: a list to choose from, or a range (uniform, or log-uniform with log: true; integers with int: true). */
type Draw = unknown[] | { min: number; max: number; log?: boolean; int?: boolean };

function checkTrainKeys(o: Record<string, unknown>, where: string, file: string): void {
  for (const k of Object.keys(o)) if (!TRAIN_KEYS.has(k)) fail("BAD_ARGUMENT", `${where}: '${k}' is not a netsize train setting (settings: ${[...TRAIN_KEYS].join(", ")})`, { file });
}

function drawValue(d: Draw, rng: ReturnType<typeof createRng>, key: string, file: string): unknown {
  if (Array.isArray(d)) {
    if (d.length === 0) fail("BAD_ARGUMENT", `random.${key}: an empty list`, { file });
    return d[rng.int(d.length)];
  }
  if (!isObject(d) || typeof d.min !== "number" || typeof d.max !== "number" || !(d.max >= d.min)) fail("BAD_ARGUMENT", `random.${key}: give a list or {min, max} with max >= min`, { file });
  if (d.log && !(d.min > 0)) fail("BAD_ARGUMENT", `random.${key}: a log range needs min > 0`, { file });
  const u = rng.next();
  const v = d.log ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min);
  return d.int ? Math.min(d.max, Math.floor(v)) : Number(v.toPrecision(6));
}

function checkLens(l: unknown, i: number, file: string): LensSpec {
  if (!isObject(l) || typeof l.lens !== "string") fail("BAD_ARGUMENT", `lenses[${i}]: each lens is {lens: NAME, options?, plane? | line? | box? | data?}`, { file });
  const lens = lensNamed(l.lens);
  if (!lens) fail("BAD_ARGUMENT", `lenses[${i}]: no lens named '${l.lens}' (see netsize lenses)`, { file });
  for (const k of Object.keys(l)) if (!["lens", "options", "plane", "line", "box", "data"].includes(k)) fail("BAD_ARGUMENT", `lenses[${i}]: unknown key '${k}'`, { file });
  if (l.options !== undefined) {
    if (!isObject(l.options)) fail("BAD_ARGUMENT", `lenses[${i}].options must be a mapping`, { file });
    for (const k of Object.keys(l.options)) if (!(k in lens.options)) fail("BAD_ARGUMENT", `lenses[${i}]: lens ${l.lens} has no option '${k}' (options: ${Object.keys(lens.options).join(", ")})`, { file });
  }
  const inputs = ["plane", "line", "box", "data"].filter((k) => l[k] !== undefined);
  if (inputs.length > 1) fail("BAD_ARGUMENT", `lenses[${i}]: give one input (plane, line, box or data), got ${inputs.join(", ")}`, { file });
  for (const k of ["plane", "line"] as const) {
    const pts = l[k];
    if (pts !== undefined && (!Array.isArray(pts) || !pts.every((p) => Array.isArray(p) && p.every((x) => typeof x === "number" && Number.isFinite(x))) || (k === "plane" ? pts.length !== 3 : pts.length < 2))) {
      fail("BAD_ARGUMENT", `lenses[${i}].${k}: ${k === "plane" ? "three points" : "two or more points"}, each a list of numbers`, { file });
    }
  }
  if (l.box !== undefined && typeof l.box !== "string") fail("BAD_ARGUMENT", `lenses[${i}].box: a box spec string such as '-1:1'`, { file });
  if (l.data !== undefined && typeof l.data !== "string") fail("BAD_ARGUMENT", `lenses[${i}].data: 'train', 'test' or a data spec`, { file });
  return l as unknown as LensSpec;
}

/** Expand a plan's text into its jobs (every training setting validated up front). */
export function parsePlan(text: string, file: string): SweepPlan {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    fail("BAD_ARGUMENT", `unreadable YAML: ${(e as Error).message.split("\n")[0]}`, { file });
  }
  if (!isObject(doc)) fail("BAD_ARGUMENT", "a plan is a YAML mapping with train, grid, random, snapshots and lenses", { file });
  for (const k of Object.keys(doc)) if (!PLAN_KEYS.includes(k)) fail("BAD_ARGUMENT", `unknown key '${k}' (a plan has ${PLAN_KEYS.join(", ")})`, { file });
  const base = doc.train ?? {};
  if (!isObject(base)) fail("BAD_ARGUMENT", "train: a mapping of netsize train settings", { file });
  checkTrainKeys(base, "train", file);
  const grid = doc.grid ?? {};
  if (!isObject(grid)) fail("BAD_ARGUMENT", "grid: a mapping of setting → list of values", { file });
  checkTrainKeys(grid, "grid", file);
  for (const [k, v] of Object.entries(grid)) if (!Array.isArray(v) || v.length === 0) fail("BAD_ARGUMENT", `grid.${k}: a non-empty list of values`, { file });
  const random = doc.random;
  let draws = 0, rseed = 0, rkeys: Record<string, Draw> = {};
  if (random !== undefined) {
    if (!isObject(random) || typeof random.count !== "number" || !Number.isInteger(random.count) || random.count < 1) fail("BAD_ARGUMENT", "random: {count: N, seed?: S, <setting>: list | {min, max, log?, int?}}", { file });
    draws = random.count;
    rseed = typeof random.seed === "number" ? random.seed : 0;
    rkeys = Object.fromEntries(Object.entries(random).filter(([k]) => k !== "count" && k !== "seed")) as Record<string, Draw>;
    checkTrainKeys(rkeys, "random", file);
  }
  const snapshots = doc.snapshots ?? [];
  if (!Array.isArray(snapshots) || !snapshots.every((s) => Number.isInteger(s) && s >= 0)) fail("BAD_ARGUMENT", "snapshots: a list of epochs (0 = the initialisation; the last epoch is always kept)", { file });
  if (!Array.isArray(doc.lenses) || doc.lenses.length === 0) fail("BAD_ARGUMENT", "lenses: a non-empty list of {lens: NAME, options?, input}", { file });
  const lenses = doc.lenses.map((l, i) => checkLens(l, i, file));
  const gridKeys = Object.keys(grid);
  const cells = gridKeys.reduce((n, k) => n * (grid[k] as unknown[]).length, 1);
  const total = cells * Math.max(draws, 1);
  if (total > MAX_JOBS) fail("LIMIT_EXCEEDED", `the plan expands to ${total.toLocaleString("en-US")} jobs, more than MAX_JOBS = ${MAX_JOBS.toLocaleString("en-US")}; split it`, { file });
  const version = netsizeVersion();
  const rng = createRng(rseed);
  const randomPoints: Record<string, unknown>[] = draws > 0 ? Array.from({ length: draws }, () => Object.fromEntries(Object.entries(rkeys).map(([k, d]) => [k, drawValue(d, rng, k, file)]))) : [{}];
  const jobs: SweepJob[] = [];
  const seen = new Set<string>();
  for (let c = 0; c < cells; c++) {
    const point: Record<string, unknown> = {};
    let rest = c;
    for (let g = gridKeys.length - 1; g >= 0; g--) {
      const vals = grid[gridKeys[g]!] as unknown[];
      point[gridKeys[g]!] = vals[rest % vals.length];
      rest = Math.floor(rest / vals.length);
    }
    for (const rp of randomPoints) {
      const params = { ...point, ...rp };
      const given = { ...base, ...params } as Partial<TrainConfig> & { arch: string; data: string };
      let cfg: TrainConfig;
      try {
        cfg = resolveConfig(given);
      } catch (e) {
        fail("BAD_ARGUMENT", `job ${jobs.length + 1} (${canonicalJson(params)}): ${(e as Error).message}`, { file });
      }
      if (typeof cfg.arch !== "string" || typeof cfg.data !== "string") fail("BAD_ARGUMENT", "every job needs train.arch and train.data", { file });
      const snaps = [...new Set([...snapshots as number[], cfg.epochs])].filter((s) => s <= cfg.epochs).sort((a, b) => a - b);
      // The snapshots the lab keeps are the plan's: formats and output settings do not change the networks.
      cfg = { ...cfg, snapshots: snaps, snapshotSteps: [], snapshotEvery: 0, snapshotEverySteps: 0, formats: ["json"] };
      const id = jobId(cfg, snaps, lenses, version);
      if (seen.has(id)) continue;
      seen.add(id);
      jobs.push({ id, params, train: cfg, snapshots: snaps, lenses, version });
    }
  }
  const name = typeof doc.name === "string" && doc.name.trim() ? doc.name : path.basename(file).replace(/\.ya?ml$/i, "");
  const store = typeof doc.store === "string" ? path.resolve(path.dirname(file), doc.store) : path.join(path.dirname(path.resolve(file)), `${path.basename(file).replace(/\.ya?ml$/i, "")}.duckdb`);
  return { name, file, store, jobs };
}

/** Read and expand a plan file. */
export function loadPlan(file: string): SweepPlan {
  return parsePlan(readTextFile(file, "the sweep plan"), file);
}
