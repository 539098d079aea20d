// Dead and undead units on data (Anil et al.'s "undead": always on, so the unit acts as the identity):
// a unit is dead when its pre-activation is ≤ 0 on every sample, undead when it is > 0 on every
// sample (pieceIndex's convention: a ReLU is active iff z > 0). Beside them, the stability lens's
// certificate on the data's bounding box: a certified-dead unit is off for every point of the box,
// not only for the samples; the rest of the observed-dead units are only observed.
import type { Box } from "../../core/domain.js";
import { makeBox } from "../../core/domain.js";
import type { BatchResult } from "../../core/engine/reference.js";
import { LensContext } from "../../core/lens.js";
import { inputSize, isPiecewiseLinear, Network, sizeOf } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import { stability, StabilityMethod, StabilityResult } from "../stability/index.js";

/** A unit that never switched on the data, and how close it came. */
export interface UnitMargin {
  unit: number;
  /** Dead: −max z ≥ 0 (how far the largest pre-activation stayed below 0); undead: min z > 0. */
  margin: number;
}

/** Dead and undead units of one unit layer on the data, beside the certificate on the bounding box. */
export interface UnitLayerReport {
  layer: number;
  name: string;
  fn: string;
  units: number;
  dead: number;
  undead: number;
  /** Per dead / undead unit, its margin (ascending unit index). */
  deadUnits: UnitMargin[];
  undeadUnits: UnitMargin[];
  /** Smallest margin among dead / undead units (null when there are none). */
  closestDead: number | null;
  closestUndead: number | null;
  /** Fraction of samples on which each unit is active (z > 0). */
  activeFraction: number[];
  /** Certified on the data's bounding box (absent when certification was skipped). */
  certified?: {
    dead: number;
    undead: number;
    /** Observed dead but not certified: dead on the samples, not proven dead on the box. */
    onlyObservedDead: number;
    onlyObservedUndead: number;
    /** Units certified dead/undead but seen in the other state on a sample: must be 0 (a soundness check; the samples lie in the box). */
    contradictions: number;
  };
}

/** The bounding box of the samples (per input, min and max over the data). */
export function dataBoundingBox(ds: Dataset, d: number): Box {
  const lower = new Float64Array(d).fill(Infinity), upper = new Float64Array(d).fill(-Infinity);
  for (let s = 0; s < ds.n; s++) {
    for (let i = 0; i < d; i++) { const v = ds.x[s * d + i]!; if (v < lower[i]!) lower[i] = v; if (v > upper[i]!) upper[i] = v; }
  }
  return makeBox(lower, upper, `bounding box of ${ds.name} (${ds.n} samples)`);
}

/** Dead/undead counts and margins per activation unit layer from an engine run with unit outputs. */
export function deadAndUndead(net: Network, run: BatchResult): UnitLayerReport[] {
  const out: UnitLayerReport[] = [];
  run.unitLayers.forEach((li, k) => {
    const layer = net.layers[li]!;
    if (layer.kind !== "activation") return;
    const units = sizeOf(layer.shape), n = run.n, pre = run.preActivations[k]!;
    const maxZ = new Float64Array(units).fill(-Infinity), minZ = new Float64Array(units).fill(Infinity), on = new Float64Array(units);
    for (let s = 0; s < n; s++) {
      const o = s * units;
      for (let u = 0; u < units; u++) {
        const z = pre[o + u]!;
        if (z > maxZ[u]!) maxZ[u] = z;
        if (z < minZ[u]!) minZ[u] = z;
        if (z > 0) on[u]!++;
      }
    }
    const deadUnits: UnitMargin[] = [], undeadUnits: UnitMargin[] = [];
    if (n > 0) {
      for (let u = 0; u < units; u++) {
        if (maxZ[u]! <= 0) deadUnits.push({ unit: u, margin: -maxZ[u]! });
        else if (minZ[u]! > 0) undeadUnits.push({ unit: u, margin: minZ[u]! });
      }
    }
    const closest = (l: UnitMargin[]): number | null => (l.length ? l.reduce((m, x) => Math.min(m, x.margin), Infinity) : null);
    out.push({
      layer: li, name: layer.name, fn: layer.fn, units,
      dead: deadUnits.length, undead: undeadUnits.length, deadUnits, undeadUnits,
      closestDead: closest(deadUnits), closestUndead: closest(undeadUnits),
      activeFraction: Array.from(on, (c) => (n > 0 ? c / n : 0)),
    });
  });
  return out;
}

/** Attach the stability certificate on the data's bounding box to each layer report; returns the stability result's summary. */
export async function certifyOnBox(net: Network, ds: Dataset, reports: UnitLayerReport[], method: Exclude<StabilityMethod, "auto">, timeLimit: number, ctx: LensContext): Promise<{ method: string; certificate: string; box: string; ms: number; complete: boolean }> {
  const box = dataBoundingBox(ds, inputSize(net));
  // CROWN and stronger need a piecewise-linear network; smooth ones get IBP.
  const m = isPiecewiseLinear(net) ? method : "ibp";
  const r: StabilityResult = await stability(net, box, { method: m, timeLimit }, { ...(ctx.signal ? { signal: ctx.signal } : {}) });
  for (const rep of reports) {
    const sl = r.layers.find((l) => l.layer === rep.layer);
    if (!sl) continue;
    const dead = new Set(rep.deadUnits.map((d) => d.unit)), undead = new Set(rep.undeadUnits.map((d) => d.unit));
    let cDead = 0, cUndead = 0, contradictions = 0;
    sl.state.forEach((st, u) => {
      if (st === "inactive") { cDead++; if (!dead.has(u) && ds.n > 0) contradictions++; }
      else if (st === "active") { cUndead++; if (!undead.has(u) && ds.n > 0) contradictions++; }
    });
    rep.certified = { dead: cDead, undead: cUndead, onlyObservedDead: rep.dead - cDead + contradictionsIn(sl.state, dead, "inactive"), onlyObservedUndead: rep.undead - cUndead + contradictionsIn(sl.state, undead, "active"), contradictions };
  }
  return { method: m, certificate: r.certificate, box: box.source!, ms: r.timings.total, complete: r.complete };
}

/** Certified units of `state` that are not in `observed` (0 when the certificate is sound). */
function contradictionsIn(states: readonly string[], observed: Set<number>, state: string): number {
  let c = 0;
  states.forEach((s, u) => { if (s === state && !observed.has(u)) c++; });
  return c;
}
