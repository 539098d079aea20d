// The headline scalars of a lens result: the few numbers a sweep's table and SQL want as columns
// (the whole result is kept as JSON beside them). Names are SQL identifiers, unique across lenses
// where they mean different things.

type R = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "boolean" ? (v ? 1 : 0) : undefined);
const obj = (v: unknown): R => (v !== null && typeof v === "object" ? (v as R) : {});
const sum = (xs: unknown, key: string): number => (Array.isArray(xs) ? xs.reduce((s: number, x) => s + (num(obj(x)[key]) ?? 0), 0) : 0);

function stabilityScalars(s: R): R {
  const t = obj(s.totals);
  return {
    stable_units: (num(t.stablyActive) ?? 0) + (num(t.stablyInactive) ?? 0), stably_active: t.stablyActive, stably_inactive: t.stablyInactive,
    unstable_units: t.unstable, unknown_units: t.unknown, units: t.units,
  };
}

/** Per lens: the scalars it is known by. */
const HEADLINES: Record<string, (r: R) => R> = {
  "regions.slice": (r) => ({ regions: r.count, boundary_length: obj(r.decisionBoundary).length }),
  "regions.line": (r) => ({ knots: Array.isArray(r.knots) ? r.knots.length : undefined, pieces: r.pieces }),
  "regions.box": (r) => ({ box_regions: r.count, box_complete: r.complete }),
  "regions.sampled": (r) => ({ patterns: r.distinctPatterns, singletons: r.singletons }),
  stability: stabilityScalars,
  compress: (r) => {
    const c = obj(r.compression);
    return {
      ...stabilityScalars(obj(r.stability)), params_before: obj(c.before).params, params_after: obj(c.after).params,
      units_after: obj(c.after).units, max_abs_diff: obj(r.equivalence).maxAbsDiff, equal: r.equal,
    };
  },
  condensation: (r) => ({ orientations: sum(r.layers, "orientations"), lines: sum(r.layers, "lines"), condensed_units: sum(r.layers, "units") }),
  eval: (r) => ({ accuracy: r.accuracy, eval_loss: r.loss }),
};

/** The headline scalars of `lens`'s result; lenses without a table entry give their top-level numbers, prefixed by the lens. */
export function headlineScalars(lens: string, result: unknown): Record<string, number> {
  const r = obj(result);
  const pick = HEADLINES[lens];
  const raw: R = pick ? pick(r) : Object.fromEntries(Object.entries(r).filter(([, v]) => num(v) !== undefined).map(([k, v]) => [`${lens.replace(/\W/g, "_")}_${k.replace(/\W/g, "_")}`, v]));
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) { const x = num(v); if (x !== undefined) out[k.toLowerCase()] = x; }
  return out;
}
