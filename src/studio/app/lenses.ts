// The other lenses, run in the page on the explorer's network: the report's headline table (the lenses
// that run in a browser in seconds; the LP-certified ones say to run netsize report), the graph view,
// and the condensation heatmap over the run's snapshots (or of the one model).
import { LENSES, networkFromBytes, type LensResultBase, type Network } from "../../index.js";
import type { CondensationResult, CondensationRunResult, GraphResult, InfoResult, SliceResult } from "../../index.js";
import { renderCondensationStripSvg } from "../../report/condensation-svg.js";
import { renderGraphDrawingSvg } from "../../report/graph-svg.js";
import { headlineHtml, headlineRows } from "../../report/headline.js";
import type { ReportEntry } from "../../report/plan.js";
import type { Explorer } from "./explore.js";
import type { Session } from "./session.js";
import { button, el, esc } from "./ui.js";

type LensName = keyof typeof LENSES;

async function runLens(name: LensName, net: Network, input: unknown, options: Record<string, unknown> = {}): Promise<ReportEntry> {
  const lens = LENSES[name];
  const t0 = performance.now();
  const applies = lens.applies?.(net) ?? true;
  if (applies !== true) return { lens: name, status: "skipped", why: applies };
  try {
    const result = (await lens.run(net, input as never, options as never)) as LensResultBase;
    return { lens: name, status: "ok", result, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { lens: name, status: "skipped", why: `${code ? `${code}: ` : ""}${(e as Error).message}` };
  }
}

export class LensPanel {
  private readonly headline: HTMLElement;
  private readonly graph: HTMLElement;
  private readonly cond: HTMLElement;
  private readonly note: HTMLElement;

  constructor(root: HTMLElement, private readonly session: Session, private readonly explorer: Explorer) {
    const left = el("div", { class: "panel", style: "flex: 1 1 560px; min-width: 480px" }), right = el("div", { class: "panel", style: "flex: 1 1 480px" });
    root.append(left, right);
    this.note = el("div", { class: "hint", id: "lens-note" });
    this.headline = el("div", { id: "headline" });
    this.graph = el("div", { id: "graph-view", class: "lens-figure" });
    this.cond = el("div", { id: "condensation-view", class: "lens-figure" });
    left.append(el("h3", { text: "Headline: the empirical size" }),
      el("div", { class: "buttons" }, button("run-headline", "measure this network", () => void this.runHeadline())), this.note, this.headline,
      el("h3", { text: "Graph" }), el("div", { class: "buttons" }, button("run-graph", "draw the graph", () => void this.runGraph())), this.graph);
    right.append(el("h3", { text: session.run ? "Condensation over the snapshots" : "Condensation" }),
      el("div", { class: "buttons" }, button("run-condensation", "cosine heatmaps", () => void this.runCondensation())), this.cond);
  }

  /** The headline table of the current network (the lenses that run in the page). */
  async runHeadline(): Promise<void> {
    const net = this.explorer.net;
    if (!net) return;
    this.headline.textContent = "measuring…";
    const entries = new Map<string, ReportEntry>();
    const info = await runLens("info", net, undefined);
    entries.set("regions.bounds", await runLens("regions.bounds", net, undefined));
    const slice = this.explorer.last?.result;
    entries.set("regions.slice", slice ? { lens: "regions.slice", status: "ok", result: slice as SliceResult } : { lens: "regions.slice", status: "skipped", why: "no slice on screen" });
    if (this.explorer.plane.line && this.explorer.slice) {
      entries.set("regions.line", await runLens("regions.line", net, { points: [this.explorer.slice, this.explorer.plane.line].length ? linePoints(this.explorer) : [] }, { details: false }));
    } else entries.set("regions.line", { lens: "regions.line", status: "skipped", why: "draw a line on the slice (shift-drag) first" });
    entries.set("condensation", await runLens("condensation", net, undefined, { merge: false }));
    entries.set("graph", await runLens("graph", net, undefined));
    const box = this.explorer.dataBox();
    if (box) {
      // CROWN (no LP in the page) and an equivalence check on 2,000 points: seconds, where the report's LP/MILP pipeline takes minutes.
      entries.set("compress", await runLens("compress", net, box, { method: "crown", points: 2000 }));
    } else entries.set("compress", { lens: "compress", status: "skipped", why: "no domain: start the studio with --data to have one (the data's range)" });
    for (const l of ["simplicity", "shallow", "ensemble"]) {
      entries.set(l, { lens: l, status: "skipped", why: "needs a data set or an exact box traversal: netsize report MODEL runs it" });
    }
    if (info.status !== "ok") { this.headline.textContent = info.why ?? "info failed"; return; }
    this.headline.innerHTML = headlineHtml(headlineRows(info.result as InfoResult, entries), () => "#");
    this.note.textContent = `${this.explorer.netName}: ${[...entries.values()].filter((e) => e.status === "ok").length + 1} lenses ran in the page`;
  }

  async runGraph(): Promise<void> {
    const net = this.explorer.net;
    if (!net) return;
    const e = await runLens("graph", net, undefined);
    this.graph.innerHTML = e.status === "ok" ? renderGraphDrawingSvg(e.result as GraphResult, { width: 560, height: 360, title: this.explorer.netName }) : `<p>${esc(e.why ?? "")}</p>`;
  }

  async runCondensation(): Promise<void> {
    this.cond.textContent = "computing…";
    const run = this.session.run;
    if (run && run.snapshots.length > 1) {
      const pick = run.snapshots.length <= 6 ? run.snapshots : [0, 1, 2, 3, 4, 5].map((k) => run.snapshots[Math.round((k * (run.snapshots.length - 1)) / 5)]!);
      const snapshots = [];
      for (const s of pick) {
        const r = await fetch(s.url);
        snapshots.push({ name: s.name, epoch: s.epoch, step: s.step, network: networkFromBytes(new Uint8Array(await r.arrayBuffer()), { file: s.name }) });
      }
      const e = await runLens("condensation.run", snapshots[snapshots.length - 1]!.network, { snapshots });
      if (e.status !== "ok") { this.cond.textContent = e.why ?? ""; return; }
      const res = e.result as CondensationRunResult;
      this.cond.innerHTML = renderCondensationStripSvg(res.frames.map((f) => ({ title: `${f.name}`, layer: f.layer })), { size: 200, perRow: 3, title: `layer ${res.layer}` });
      return;
    }
    const net = this.explorer.net;
    if (!net) return;
    const e = await runLens("condensation", net, undefined, { merge: false });
    if (e.status !== "ok") { this.cond.textContent = e.why ?? ""; return; }
    const res = e.result as CondensationResult;
    this.cond.innerHTML = renderCondensationStripSvg(res.layers.map((l) => ({ title: l.layer, layer: l })), { size: 200, perRow: 3 });
  }
}

/** The drawn line's end points in input space. */
function linePoints(ex: Explorer): Float64Array[] {
  const l = ex.plane.line!, p = ex.slice!;
  const at = (u: number, v: number): Float64Array => {
    const x = new Float64Array(p.origin.length);
    for (let i = 0; i < x.length; i++) x[i] = p.origin[i]! + u * p.basis[0][i]! + v * p.basis[1][i]!;
    return x;
  };
  return [at(l[0], l[1]), at(l[2], l[3])];
}
