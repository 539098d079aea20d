// A run folder made by netsize train --out: its snapshot index, each snapshot's network and the
// training metrics at its step (one reader for graph, report and studio).
import { existsSync } from "node:fs";
import path from "node:path";
import { fail, printable } from "../core/errors.js";
import type { GraphRunSnapshot } from "../lenses/graph/index.js";
import { loadNetwork, readTextFile } from "../node/files.js";

/** One entry of snapshots/index.json. */
export interface IndexEntry { name: string; epoch: number; step: number; files: string[] }

/** One snapshot of a run, not yet read: its file (JSON when there is one) and metrics. */
export interface RunEntry { name: string; epoch: number; step: number; file: string; metrics?: GraphRunSnapshot["metrics"] }

/** The snapshots of a run folder (in step order) with each one's file and training metrics (metrics.jsonl, matched by step). */
export function runEntries(dir: string, steps: number[] | undefined): RunEntry[] {
  const indexFile = path.join(dir, "snapshots", "index.json");
  if (!existsSync(indexFile)) fail("BAD_ARGUMENT", `${dir} is a folder but not a run folder: ${indexFile} is missing (make one with netsize train --out ${dir})`);
  let index: IndexEntry[];
  const metrics = new Map<number, GraphRunSnapshot["metrics"]>();
  try {
    index = JSON.parse(readTextFile(indexFile, "the run's snapshot index")) as IndexEntry[];
    const mf = path.join(dir, "metrics.jsonl");
    if (existsSync(mf)) {
      for (const line of readTextFile(mf, "the run's metrics").split("\n")) {
        if (!line.trim()) continue;
        const m = JSON.parse(line) as { step: number; loss?: number; accuracy?: number; testLoss?: number; testAccuracy?: number };
        metrics.set(m.step, { ...(m.loss !== undefined ? { loss: m.loss } : {}), ...(m.accuracy !== undefined ? { accuracy: m.accuracy } : {}), ...(m.testLoss !== undefined ? { testLoss: m.testLoss } : {}), ...(m.testAccuracy !== undefined ? { testAccuracy: m.testAccuracy } : {}) });
      }
    }
  } catch (e) {
    return fail("BAD_DATA", `unreadable run folder: ${(e as Error).message}`, { file: indexFile });
  }
  if (!Array.isArray(index) || index.length === 0) fail("BAD_DATA", "the run has no snapshots", { file: indexFile });
  const chosen = steps ? index.filter((s) => steps.includes(s.step)) : index;
  if (steps && chosen.length !== new Set(steps).size) fail("BAD_ARGUMENT", `--steps ${steps.join(",")}: the run has snapshots at steps ${index.map((s) => s.step).join(", ")}`);
  return [...chosen].sort((a, b) => a.step - b.step).map((s) => {
    const file = Array.isArray(s.files) ? s.files.find((f) => f.endsWith(".json")) ?? s.files[0] : undefined;
    if (typeof file !== "string") return fail("BAD_DATA", `snapshot ${s.name} lists no file`, { file: indexFile });
    const abs = path.resolve(dir, file);
    if (!abs.startsWith(path.resolve(dir) + path.sep)) return fail("BAD_DATA", `snapshot ${printable(String(s.name), 60)} names a file outside the run folder (${printable(file, 120)})`, { file: indexFile });
    const m = metrics.get(s.step);
    return { name: s.name, epoch: s.epoch, step: s.step, file: abs, ...(m ? { metrics: m } : {}) };
  });
}

/** The snapshots of a run folder with each one's network and training metrics. */
export async function readRun(dir: string, steps: number[] | undefined): Promise<GraphRunSnapshot[]> {
  const out: GraphRunSnapshot[] = [];
  for (const { file, ...s } of runEntries(dir, steps)) out.push({ ...s, network: await loadNetwork(file) });
  return out;
}

