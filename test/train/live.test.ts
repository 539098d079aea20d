// Live training for the studio (the training lab driven a few steps at a time): it stops at exactly
// the step asked for, pausing and resuming trains the same network as one run, the same seed gives
// the same weights, and the frames it hands out are the networks of those steps.
import { describe, expect, it } from "vitest";
import { syntheticDataset, sliceRegions } from "../../src/index.js";
import { LiveTrainer, LIVE_DEFAULTS } from "../../src/train/browser.js";
import { initBackend } from "../../src/train/backend.js";

const ds = syntheticDataset("moons:n=200,noise=0.1");
const data = { x: ds.x, n: ds.n, d: 2, labels: ds.labels!, classes: 2 };
const weights = (t: LiveTrainer): number[] => t.network().layers.flatMap((l) => (l.kind === "dense" ? [...l.weight, ...l.bias] : []));

describe("LiveTrainer", () => {
  it("stops at exactly the step asked for, calls a frame every `every` steps, and resumes to the same network as one run", async () => {
    await initBackend("cpu");
    const cfg = { ...LIVE_DEFAULTS, arch: "2-8-8-2", seed: 4 };
    const a = new LiveTrainer(cfg, data), b = new LiveTrainer(cfg, data);
    const frames: number[] = [];
    expect(await a.run(50, 5, (s) => { frames.push(s); })).toBe(50);
    expect(frames).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(a.step).toBe(50);
    expect(await b.run(23, 100, () => undefined)).toBe(23);
    expect(await b.run(50, 100, () => undefined)).toBe(50);
    expect(weights(b)).toEqual(weights(a));
    const net = a.network();
    expect(net.meta.step).toBe(50);
    expect(sliceRegions(net, { origin: new Float64Array(2), basis: [Float64Array.of(1, 0), Float64Array.of(0, 1)], anchors: [] }, { halfWidth: 3, details: false }).count).toBeGreaterThan(3);
    const ev = a.evaluate();
    expect(ev.accuracy).toBeGreaterThan(0.7);
    a.dispose(); b.dispose();
  }, 120_000);

  it("pauses at once when its signal fires, and starts from a given network", async () => {
    await initBackend("cpu");
    const cfg = { ...LIVE_DEFAULTS, arch: "2-6-2", seed: 2 };
    const a = new LiveTrainer(cfg, data);
    const stop = new AbortController();
    const at = await a.run(1000, 7, (s) => { if (s >= 14) stop.abort(); }, stop.signal);
    expect(at).toBe(14);
    const c = new LiveTrainer(cfg, data, a.network());
    expect(weights(c)).toEqual(weights(a));
    a.dispose(); c.dispose();
  }, 120_000);
});
