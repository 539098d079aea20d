import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { createNetwork } from "../../src/core/network.js";
import { planeThrough } from "../../src/lenses/regions/anchors.js";
import { lineRegions } from "../../src/lenses/regions/line.js";
import { sliceRegions } from "../../src/lenses/regions/slice.js";
import { renderLineSvg } from "../../src/report/line-svg.js";
import { svgToPng } from "../../src/node/png.js";
import { renderSliceSvg } from "../../src/report/slice-svg.js";

const count = (s: string, needle: string): number => s.split(needle).length - 1;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [dv.getUint32(16), dv.getUint32(20)];
}

describe("slice and line pictures", () => {
  const net = randomMlp([3, 8, 8, 3], { seed: 4, biasStd: 0.5 });
  const plane = planeThrough([1, 0, 0], [0, 1, 0], [0, 0, 1]);
  const slice = sliceRegions(net, plane, { halfWidth: 2 });

  it("draws one path per region, the decision boundary, the anchors and a class legend", () => {
    const svg = renderSliceSvg(slice, { anchorLabels: ["a", "b", "c"] });
    expect(count(svg, 'class="region"')).toBe(slice.count);
    expect(count(svg, 'class="anchor"')).toBe(3);
    expect(count(svg, 'class="boundary"')).toBe(slice.decisionBoundary.segments.length > 0 ? 1 : 0);
    expect(slice.decisionBoundary.segments.length).toBeGreaterThan(0);
    for (const c of new Set(slice.regions!.map((r) => r.predicted))) expect(svg).toContain(`class ${c}</text>`);
    expect(svg).toContain(`${slice.count} linear regions`);
  });

  it("colours by slope norm on request, with a gradient legend", () => {
    const svg = renderSliceSvg(slice, { colorBy: "slope" });
    expect(svg).toContain("slope norm");
    expect(svg).toContain("linearGradient");
    expect(count(svg, 'class="region"')).toBe(slice.count);
  });

  it("draws zero-slope regions in their own legend entry and starts the log scale at the stated tolerance", () => {
    // Two ReLUs of x and y: where both are off (x < 0, y < 0) the output is flat.
    const flat = createNetwork([2], [
      { kind: "dense", inSize: 2, outSize: 2, weight: Float64Array.of(1, 0, 0, 1), bias: Float64Array.of(0, 0), name: "fc" },
      { kind: "activation", fn: "relu", name: "r" },
      { kind: "dense", inSize: 2, outSize: 1, weight: Float64Array.of(0.3, 27), bias: Float64Array.of(1), name: "out" },
    ]);
    const s = sliceRegions(flat, planeThrough([0, 0], [1, 0], [0, 1]), { halfWidth: 1 });
    expect(s.count).toBe(4);
    // A rounding-level slope (1.7e-18) must not set the bottom of the scale: it is "zero" too.
    const tiny = { ...s, regions: s.regions!.map((r) => (r.slopeNorm === 0 ? r : r.slopeNorm < 1 ? { ...r, slopeNorm: 1.7e-18 } : r)) };
    for (const [res, zeros] of [[s, 1], [tiny, 2]] as const) {
      const svg = renderSliceSvg(res, { colorBy: "slope" });
      expect(svg).toContain(`zero (≤ ${(1e-9 * 27.0016665).toPrecision(2)}, ${zeros} region${zeros === 1 ? "" : "s"})`);
      expect(svg).not.toContain("#202020");
    }
    // The bottom of the scale is the smallest real slope: 0.3 with it, 27 when it was rounded away.
    expect(renderSliceSvg(s, { colorBy: "slope" })).toContain(">0.300<");
    expect(renderSliceSvg(tiny, { colorBy: "slope" })).toContain(">27.0<");
  });

  it("rasterises to a PNG twice the SVG's size", () => {
    const svg = renderSliceSvg(slice, { size: 300 });
    const png = svgToPng(svg);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const w = Number(/width="(\d+)"/.exec(svg)![1]), h = Number(/height="(\d+)"/.exec(svg)![1]);
    expect(pngSize(png)).toEqual([2 * w, 2 * h]);
  });

  it("plots the output along a line with its knots", async () => {
    const line = lineRegions(net, { points: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] });
    const svg = await renderLineSvg(line);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain(`${line.count} regions, ${line.knots.length} knots`);
    // One curve per output, in the legend.
    for (let o = 0; o < 3; o++) expect(svg).toContain(`output ${o}`);
    const png = svgToPng(svg, { width: 800 });
    expect(pngSize(png)[0]).toBe(800);
  });
});
