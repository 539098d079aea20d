// The Lens contract: every registered lens has a name, a schema, a documented option table, and a
// run() whose result carries that schema, the options, the tolerance and timings.total; batch
// engines are handed in through ctx.engine, and a failing engine is an error, never a fallback.
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { uniformBox } from "../../src/core/domain.js";
import { EngineProvider, referenceEngine } from "../../src/core/engine/batch.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { LensResultBase } from "../../src/core/lens.js";
import { Dataset } from "../../src/data/dataset.js";
import { LENSES, lensNamed } from "../../src/lenses/registry.js";
import { planeThrough, uniformSamples } from "../../src/lenses/regions/index.js";
import { onnxruntimeEngine } from "../../src/node/engine/onnxruntime.js";

const net = randomMlp([2, 8, 8, 2], { seed: 3 });
const box = uniformBox(2, -1, 1, "test box");
const data: Dataset = { name: "grid", n: 64, shape: [2], x: Float64Array.from({ length: 128 }, (_, i) => ((i * 37) % 64) / 32 - 1), labels: Int32Array.from({ length: 64 }, (_, i) => i % 2) };
const inputs: Record<keyof typeof LENSES, unknown> = {
  info: { file: "net.json" },
  eval: data,
  "regions.bounds": { measured: 10 },
  "regions.line": { points: [Float64Array.of(-1, -1), Float64Array.of(1, 1)] },
  "regions.slice": planeThrough([0, 0], [1, 0], [0, 1]),
  "regions.box": box,
  "regions.sampled": uniformSamples(box, 200, 1),
  stability: box,
  compress: box,
  equivalence: { other: net, box },
  simplicity: data,
  condensation: undefined,
  "condensation.run": { snapshots: [{ name: "s", epoch: 0, step: 0, network: net }] },
  graph: undefined,
  "graph.run": { snapshots: [{ name: "s", epoch: 0, step: 0, network: net }, { name: "t", epoch: 1, step: 10, network: net }] },
  shallow: box,
  ensemble: data,
};
const small: Record<string, object> = { compress: { points: 2000 }, equivalence: { points: 2000 }, "regions.slice": { halfWidth: 2 }, simplicity: { curvePoints: 5, gdvPerClass: 10 }, shallow: { points: 2000 } };

/** A provider that counts what it is asked for and delegates to the reference engine. */
function counting(): EngineProvider & { created: number } {
  const p = { name: "counting", created: 0, async create(n: Parameters<EngineProvider["create"]>[0], o?: Parameters<EngineProvider["create"]>[1]) { p.created++; return referenceEngine.create(n, o); } };
  return p;
}

describe("the lens registry", () => {
  it("names every lens by its own name, with a schema and a described option for every key", () => {
    expect(Object.keys(LENSES).sort()).toEqual(["compress", "condensation", "condensation.run", "ensemble", "equivalence", "eval", "graph", "graph.run", "info", "regions.bounds", "regions.box", "regions.line", "regions.sampled", "regions.slice", "shallow", "simplicity", "stability"]);
    for (const [key, lens] of Object.entries(LENSES)) {
      expect(lens.name).toBe(key);
      expect(lensNamed(key)).toBe(lens);
      expect(lens.schema).toMatch(/^netsize\.[a-z.]+\/1$/);
      for (const [opt, spec] of Object.entries(lens.options)) expect(spec.description.length, `${key}.${opt}`).toBeGreaterThan(10);
    }
    expect(lensNamed("nope")).toBeUndefined();
  });

  it.each(Object.keys(LENSES))("%s runs and returns its schema, options, tolerance and timings.total", async (key) => {
    const lens = lensNamed(key)!;
    expect(lens.applies?.(net) ?? true).toBe(true);
    const r: LensResultBase = await lens.run(net, inputs[key as keyof typeof LENSES], small[key] ?? {}, {});
    expect(r.schema).toBe(lens.schema);
    expect(typeof r.options).toBe("object");
    expect(typeof r.tolerance).toBe("object");
    expect(r.timings.total).toBeGreaterThanOrEqual(0);
    expect(Object.keys(r.timings)).toContain("total");
    expect(JSON.parse(JSON.stringify(r)).schema).toBe(lens.schema);
  });
});

describe("batch engines are handed in", () => {
  it("eval, sampled and equivalence use ctx.engine; without one, the float64 reference engine", async () => {
    const p = counting();
    const e = await LENSES.eval.run(net, data, {}, { engine: p });
    expect(e.options.engine).toBe("reference");
    await LENSES["regions.sampled"].run(net, inputs["regions.sampled"] as never, {}, { engine: p });
    const eq = await LENSES.equivalence.run(net, { other: net, box }, { points: 500 }, { engine: p });
    expect(p.created).toBe(4);
    expect(eq.maxAbsDiff).toBe(0);
    expect((await LENSES["regions.sampled"].run(net, inputs["regions.sampled"] as never, {})).engine).toBe("reference");
  });

  it("the onnxruntime engine of the Node side gives the reference's counts and accuracy", async () => {
    const ref = await LENSES["regions.sampled"].run(net, inputs["regions.sampled"] as never, {});
    const ort = await LENSES["regions.sampled"].run(net, inputs["regions.sampled"] as never, {}, { engine: onnxruntimeEngine });
    expect(ort.engine).toBe("onnxruntime");
    expect(ort.distinctPatterns).toBe(ref.distinctPatterns);
    expect((await LENSES.eval.run(net, data, {}, { engine: onnxruntimeEngine })).correct).toBe((await LENSES.eval.run(net, data)).correct);
  });

  it("a failing engine is the lens's error (no silent fallback), and a cancel stays ABORTED", async () => {
    const broken: EngineProvider = { name: "broken", create: async () => { throw Object.assign(new Error("boom"), { code: "X" }); } };
    await expect(LENSES["regions.sampled"].run(net, inputs["regions.sampled"] as never, {}, { engine: broken })).rejects.toThrow("boom");
    await expect(LENSES.eval.run(net, data, {}, { engine: broken })).rejects.toThrow("boom");
    const ac = new AbortController();
    ac.abort();
    for (const engine of [referenceEngine, onnxruntimeEngine]) {
      const err = await LENSES["regions.sampled"].run(net, inputs["regions.sampled"] as never, {}, { engine, signal: ac.signal }).catch((x: unknown) => x);
      expect(isNetsizeError(err, "ABORTED"), String(err)).toBe(true);
    }
    await expect(LENSES["regions.sampled"].run(net, inputs["regions.sampled"] as never, { engine: "onnxruntime" })).rejects.toSatisfy((x: unknown) => isNetsizeError(x, "BAD_ARGUMENT"));
  });

  it("float32 is refused by the reference engine rather than silently run in float64", async () => {
    await expect(LENSES.eval.run(net, data, { float: 32 })).rejects.toSatisfy((x: unknown) => isNetsizeError(x, "BAD_ARGUMENT"));
  });
});

describe("netsize lenses", () => {
  it("lists the registry with each option's default, as the lenses state them", async () => {
    const { netsize } = await import("../cli/run.js");
    const r = await netsize(["lenses", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { schema: string; lenses: { name: string; schema: string; options: Record<string, { default?: unknown }> }[] };
    expect(j.schema).toBe("netsize.lenses/1");
    expect(j.lenses.map((l) => l.name)).toEqual(Object.keys(LENSES));
    const slice = j.lenses.find((l) => l.name === "regions.slice")!;
    expect(slice.options.halfWidth!.default).toBe(LENSES["regions.slice"].options.halfWidth.default);
    expect(slice.options.halfWidth!.default).toBe(10);
    expect(j.lenses.find((l) => l.name === "stability")!.options.timeLimit!.default).toBe(600);
  });
});
