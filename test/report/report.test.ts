// The report page and JSON for a small network: a section per lens, skipped ones saying why, every
// result in the JSON, self-contained HTML (no script, no external URL) under the size limit.
import { beforeAll, describe, expect, it } from "vitest";
import { LENSES } from "../../src/lenses/registry.js";
import { reportHtml, reportJson, expandEntries, indexHtml, type ReportInput } from "../../src/report/assemble.js";
import { sectionId } from "../../src/report/html.js";
import { PENDING_LENSES, planReport, threeClassAnchors } from "../../src/report/plan.js";
import { aggregateLayer } from "../../src/report/sections-other.js";
import type { CondensationResult } from "../../src/lenses/condensation/index.js";
import { box, data, net, smallReport } from "./fixture.js";

let rep: Awaited<ReturnType<typeof smallReport>>;
let html: string;
beforeAll(async () => {
  rep = await smallReport();
  html = await reportHtml(rep.input);
}, 120_000);

const sectionOf = (page: string, lens: string): string => {
  const start = page.indexOf(`<section id="${sectionId(lens)}"`);
  return start < 0 ? "" : page.slice(start, page.indexOf("</section>", start));
};

describe("the report plan", () => {
  it("runs every lens that applies and skips the rest with a reason", () => {
    expect(rep.planned).toEqual(["info", "eval", "regions.bounds", "regions.line", "regions.slice", "regions.box", "regions.sampled", "compress", "simplicity", "condensation", "graph", "shallow", "ensemble"]);
    expect(rep.skipped.sort()).toEqual(["condensation.run", "graph.run"]);
    // Without data or a domain: no eval, slice, line, box, compress, simplicity — each says why.
    const bare = planReport(net, { file: "x" });
    const why = new Map(bare.skipped.map((s) => [s.lens, s.why!]));
    for (const l of ["eval", "regions.slice", "regions.line", "regions.box", "compress", "stability", "equivalence", "simplicity", "shallow", "ensemble"]) expect(why.get(l), l).toMatch(/needs|no slice|no line/);
  });

  it("takes the slice through the first points of three different classes", () => {
    const a = threeClassAnchors(data)!;
    expect(a.idx).toEqual([0, 1, 2]);
    expect(Array.from(a.points[1]!)).toEqual([data.x[2], data.x[3]]);
    const labels = { ...data, labels: Int32Array.from({ length: 90 }, (_, i) => (i < 40 ? 0 : i < 41 ? 1 : 2)) };
    expect(threeClassAnchors(labels)!.idx).toEqual([0, 40, 41]);
    expect(threeClassAnchors({ ...data, labels: new Int32Array(90) })).toBeUndefined();
  });
});

describe("the report page", () => {
  it("has a section for every lens of the registry and the pending ones, skipped ones saying why", () => {
    for (const name of [...Object.keys(LENSES), ...PENDING_LENSES.map((p) => p.name)]) expect(sectionOf(html, name), name).not.toBe("");
    for (const name of rep.planned) expect(sectionOf(html, name), name).not.toMatch(/class="skipped"/);
    expect(sectionOf(html, "shallow")).toMatch(/exact <b>max of \d+ one-hidden-layer ReLU networks<\/b>.*Checked equal/s);
    expect(sectionOf(html, "ensemble")).toMatch(/sub-networks<\/b> whose average equals the network/);
    expect(sectionOf(html, "graph.run")).toMatch(/skipped: needs a training run/);
  });

  it("draws the pictures: slice partition, line, stability bars, pruning curve, GDV, heatmap, graph drawing", () => {
    expect(sectionOf(html, "regions.slice")).toMatch(/<svg[^>]*>[\s\S]*class="region"/);
    expect(sectionOf(html, "regions.line")).toContain("<svg");
    expect(sectionOf(html, "stability")).toMatch(/<svg[\s\S]*stably active/);
    expect(sectionOf(html, "simplicity")).toMatch(/prunability[\s\S]*<svg[\s\S]*GDV by layer[\s\S]*<svg/);
    expect(sectionOf(html, "condensation")).toContain("<svg");
    expect(sectionOf(html, "graph")).toContain("<svg");
  });

  it("puts the measured figures in the headline table, each linking to its section", () => {
    const slice = rep.input.entries.find((e) => e.lens === "regions.slice")!.result as unknown as { count: number };
    const head = html.slice(html.indexOf('<table class="headline">'), html.indexOf("</table>", html.indexOf('<table class="headline">')));
    expect(head).toContain(`<a href="#lens-regions-slice">${slice.count.toLocaleString("en-US")}</a>`);
    for (const l of ["regions-line", "stability", "compress", "condensation", "simplicity", "graph", "eval"]) expect(head, l).toContain(`href="#lens-${l}"`);
    // every link in the headline points to a section of the page
    for (const m of head.matchAll(/href="#([^"]+)"/g)) expect(html, m[1]).toContain(`id="${m[1]}"`);
  });

  it("is self-contained: no script, no external URL, one document, under 2 MB", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/url\((?!#)/);
    expect(html.match(/<html/g)!.length).toBe(1);
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 2 ** 20);
  });
});

describe("the report JSON", () => {
  it("holds every entry, each ran result in full with its lens's schema, and stability/equivalence inside compress", () => {
    const j = JSON.parse(JSON.stringify(reportJson(rep.input))) as { schema: string; lenses: { lens: string; status: string; why?: string; result?: { schema: string; count?: number } }[] };
    expect(j.schema).toBe("netsize.report/1");
    expect(j.lenses.map((l) => l.lens).sort()).toEqual([...rep.planned, ...rep.skipped].sort());
    for (const l of j.lenses) {
      if (l.status === "ok") expect(l.result!.schema, l.lens).toBe(LENSES[l.lens as keyof typeof LENSES].schema);
      else expect(l.why!.length).toBeGreaterThan(5);
    }
    const slice = j.lenses.find((l) => l.lens === "regions.slice")!.result!;
    const original = rep.input.entries.find((e) => e.lens === "regions.slice")!.result as unknown as { count: number; regions: unknown[] };
    expect(slice.count).toBe(original.count);
    expect((slice as unknown as { regions: unknown[] }).regions.length).toBe(original.count);
    const expanded = expandEntries(rep.input.entries).map((e) => e.lens);
    expect(expanded.indexOf("stability")).toBe(expanded.indexOf("compress") - 1);
    expect(expanded.indexOf("equivalence")).toBe(expanded.indexOf("compress") + 1);
  });
});

describe("figures and index", () => {
  it("averages a large cosine matrix over blocks in eigenvector order", () => {
    const cond = rep.input.entries.find((e) => e.lens === "condensation")!.result as CondensationResult;
    const l = cond.layers[0]!;
    const agg = aggregateLayer(l, 2);
    expect(agg.kept).toBe(2);
    const n = l.kept, pos = new Map(l.order.keptUnits.map((k, i) => [k, i]));
    const idx = l.order.eigenvector.map((k) => pos.get(k)!);
    const h = Math.floor(n / 2);
    let s = 0;
    for (let r = 0; r < h; r++) for (let c = 0; c < h; c++) s += l.cosine![idx[r]! * n + idx[c]!]!;
    expect(agg.cosine![0]).toBeCloseTo(s / (h * h), 12);
    expect(aggregateLayer(l, 64)).toBe(l);
  });

  it("an index page puts several reports' headline tables side by side, linking into each", () => {
    const page = indexHtml("two", [{ label: "a", href: "a.html", input: rep.input }, { label: "b", href: "b.html", input: rep.input as ReportInput }]);
    expect(page).toContain('href="a.html#lens-regions-slice"');
    expect(page).toContain('href="b.html#lens-compress"');
    expect(page.match(/class="headline"/g)!.length).toBe(2);
  });

  it("the domain box stands in for data: the slice spans the box through its centre", () => {
    const p = planReport(net, { file: "x", box });
    const slice = p.jobs.find((j) => j.lens === "regions.slice")!;
    expect(slice.options.polygon).toEqual([[-2, -2], [2, -2], [2, 2], [-2, 2]]);
    expect(p.jobs.find((j) => j.lens === "regions.line")!.input).toEqual({ points: [Float64Array.of(-2, -2), Float64Array.of(2, 2)] });
  });
});
