// The measure of bench/studio.ts, run in the page: median milliseconds of `reps` full exact redraws
// (read the network from TensorFlow.js, partition the window, draw) against as many Playground-style
// redraws of the same network (a 100 × 100 sampled heatmap, drawn), interleaved.
import type { Network } from "../../index.js";
import { exactFrame, inputPlane, sampledHeat } from "./exact.js";
import type { PlaneView } from "./plane.js";

export interface RedrawTimes { exactMs: number; sampledMs: number; regions: number; partitionMs: number; drawMs: number }

const median = (xs: number[]): number => { const a = [...xs].sort((p, q) => p - q); return a[Math.floor(a.length / 2)]!; };

/** Time `reps` redraws each way on `plane`; `read` gives the network now (from the trainer). */
export function benchRedraw(read: () => Network, plane: PlaneView, reps: number): RedrawTimes {
  const ex: number[] = [], sa: number[] = [], pa: number[] = [], dr: number[] = [];
  let regions = 0;
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    const f = exactFrame(read(), inputPlane(), plane.window());
    regions = f.result.count;
    pa.push(f.result.timings.partition ?? 0);
    plane.heat = undefined;
    plane.picture = f.picture;
    const td = performance.now();
    plane.draw();
    dr.push(performance.now() - td);
    ex.push(performance.now() - t);
    t = performance.now();
    const net = read(), w = plane.window();
    plane.picture = undefined;
    plane.heat = { image: sampledHeat(net, inputPlane(), w, 100), window: w };
    plane.draw();
    sa.push(performance.now() - t);
  }
  return { exactMs: median(ex), sampledMs: median(sa), regions, partitionMs: median(pa), drawMs: median(dr) };
}
