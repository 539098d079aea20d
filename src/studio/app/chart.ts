// The chart of exact region count (and training loss) against steps, through the report's one
// vega-lite → SVG path; redrawn at most every `minMs` so the chart never slows training down.
import { vegaSvg } from "../../report/vega.js";

export class StepChart {
  private points: { step: number; regions: number; loss?: number }[] = [];
  private last = 0;
  private pending = false;

  constructor(private readonly target: HTMLElement, private readonly minMs = 400) {}

  clear(): void { this.points = []; this.target.innerHTML = ""; }

  add(step: number, regions: number, loss?: number): void {
    const prev = this.points[this.points.length - 1];
    if (prev && prev.step === step) this.points.pop();
    if (prev && prev.step > step) this.points = this.points.filter((p) => p.step < step);
    this.points.push({ step, regions, ...(loss !== undefined && Number.isFinite(loss) ? { loss } : {}) });
    this.schedule();
  }

  private schedule(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.last + this.minMs - performance.now());
    this.pending = true;
    setTimeout(() => { this.pending = false; this.last = performance.now(); void this.render(); }, wait);
  }

  private async render(): Promise<void> {
    if (this.points.length === 0) { this.target.innerHTML = ""; return; }
    const svg = await vegaSvg({
      width: 300, height: 120, data: { values: this.points },
      layer: [
        { mark: { type: "line", color: "#0877bd", point: this.points.length < 40 }, encoding: { x: { field: "step", type: "quantitative", title: "step" }, y: { field: "regions", type: "quantitative", title: "exact regions" } } },
      ],
    });
    this.target.innerHTML = svg;
  }
}
