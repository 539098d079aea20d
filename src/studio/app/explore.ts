// Any model: open the ONNX/JSON file or run folder the studio was started with (or one dropped on
// the page), pick three data points (thumbnails for image data), and explore the exact slice through
// them with pan and zoom: hover a region for its pattern, affine map and class; shift-drag a line
// for its knots. For run folders a slider moves through the snapshots.
import {
  inputSize, networkFromBytes, networkToJson, outputSize, planeCoords, planeThrough, uniformBox,
  type Box, type Network, type Plane,
} from "../../index.js";
import { cellAt, describeCell, exactFrame, knotsOn, sampledHeat, whyNotExact, type ExactFrame } from "./exact.js";
import type { Session } from "./session.js";
import { PlaneView } from "./plane.js";
import { el, esc, fmt } from "./ui.js";

export class Explorer {
  readonly plane: PlaneView;
  net?: Network;
  netName = "";
  slice?: Plane;
  last?: ExactFrame;
  private points?: { x: Float32Array; n: number; d: number; labels: number[] };
  private picked: number[] = [];
  private readonly info: HTMLElement;
  private readonly hover: HTMLElement;
  private readonly message: HTMLElement;
  private readonly thumbs: HTMLElement;
  private readonly snapLabel: HTMLElement;
  private timer = 0;
  private readonly modelName: HTMLElement;
  private readonly listeners: (() => void)[] = [];
  /** Resolves when the first slice is on screen. */
  ready: Promise<void>;

  constructor(root: HTMLElement, private readonly session: Session) {
    const left = el("div", { class: "panel controls" }), mid = el("div", { class: "panel centre" }), right = el("div", { class: "panel stats" });
    root.append(left, mid, right);
    this.plane = new PlaneView(mid, 600, 600);
    this.message = el("div", { class: "message", id: "ex-message" });
    mid.append(el("div", { class: "hint", text: "drag to pan · wheel to zoom (the exact partition is recomputed for the window) · shift-drag draws a line" }), this.message);
    this.snapLabel = el("span", { id: "snapshot-name" });
    const file = el("input", { type: "file", id: "open-model", accept: ".onnx,.json" });
    file.addEventListener("change", () => { const f = file.files?.[0]; if (f) void this.openFile(f); });
    this.modelName = el("div", { id: "model-name", text: session.run ? session.run.name : session.model?.name ?? "none: open an ONNX or netsize JSON file" });
    left.append(el("h3", { text: "Model" }), this.modelName, el("div", { class: "buttons" }, file));
    if (session.run && session.run.snapshots.length > 1) {
      const slider = el("input", { type: "range", id: "snapshot", min: "0", max: String(session.run.snapshots.length - 1), step: "1", value: String(session.run.snapshots.length - 1) });
      slider.addEventListener("input", () => void this.openSnapshot(Number(slider.value)));
      left.append(el("h3", { text: "Snapshot" }), slider, this.snapLabel);
    }
    this.thumbs = el("div", { class: "thumbs", id: "thumbs" });
    left.append(el("h3", { text: "Three points" }), el("div", { class: "hint", text: "click three data points: the slice is the plane through them" }), this.thumbs);
    this.info = el("div", { id: "ex-info" });
    this.hover = el("div", { class: "hover", id: "ex-hover", text: "hover a region" });
    right.append(el("h3", { text: "Exact, on the visible window" }), this.info, el("h3", { text: "Region under the cursor" }), this.hover);
    this.plane.onView = () => this.schedule();
    this.plane.onLine = () => { this.updateKnots(); this.plane.draw(); };
    this.plane.onHover = (u, v) => this.showHover(u, v);
    this.ready = this.start();
  }

  /** Called with every new network (snapshot slider), for the lens panel. */
  onNetwork(f: () => void): void { this.listeners.push(f); }

  private async start(): Promise<void> {
    try {
      if (this.session.data) await this.loadPoints();
      if (this.session.run) await this.openSnapshot(this.session.run.snapshots.length - 1, false);
      else if (this.session.model) await this.openModel(this.session.model.url, this.session.model.name);
      this.choosePoints();
      this.buildThumbs();
      await this.newPlane();
    } catch (e) {
      this.say((e as Error).message);
    }
  }

  private async openModel(url: string, name: string): Promise<void> {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`could not fetch ${name} (${r.status})`);
    this.net = networkFromBytes(new Uint8Array(await r.arrayBuffer()), { file: name });
    this.netName = name;
    this.plane.legend(Math.max(2, outputSize(this.net)));
    for (const f of this.listeners) f();
  }

  /** Open a model file chosen in the page (no data points: the slice through the origin and two axes unless the data fits). */
  async openFile(f: File): Promise<void> {
    try {
      this.net = networkFromBytes(new Uint8Array(await f.arrayBuffer()), { file: f.name });
      this.netName = f.name;
      this.plane.legend(Math.max(2, outputSize(this.net)));
      this.modelName.textContent = f.name;
      for (const l of this.listeners) l();
      if (this.points && this.points.d !== inputSize(this.net)) { this.points = undefined; this.picked = []; }
      this.buildThumbs();
      await this.newPlane();
    } catch (e) {
      this.say((e as Error).message);
    }
  }

  async openSnapshot(i: number, redraw = true): Promise<void> {
    const s = this.session.run!.snapshots[i]!;
    await this.openModel(s.url, s.name);
    if (redraw) await this.compute();
    // After the picture: a label naming this snapshot means its slice is on screen.
    this.snapLabel.textContent = `${s.name} (epoch ${s.epoch}, step ${s.step})`;
  }

  private async loadPoints(): Promise<void> {
    const d = this.session.data!;
    const r = await fetch(d.url);
    if (!r.ok) throw new Error(`could not fetch the data points (${r.status})`);
    const x = new Float32Array(await r.arrayBuffer());
    const dim = d.shape.reduce((a, b) => a * b, 1);
    this.points = { x, n: d.n, d: dim, labels: d.labels };
  }

  private point(i: number): Float64Array {
    const p = this.points!;
    return Float64Array.from(p.x.subarray(i * p.d, (i + 1) * p.d));
  }

  /** Three points of three different classes where the data has them (the report's choice), else the first three. */
  private choosePoints(): void {
    if (!this.points) return;
    const seen = new Map<number, number>();
    this.points.labels.forEach((l, i) => { if (!seen.has(l) && seen.size < 3) seen.set(l, i); });
    this.picked = seen.size === 3 ? [...seen.values()] : [0, 1, 2].filter((i) => i < this.points!.n);
  }

  private buildThumbs(): void {
    this.thumbs.innerHTML = "";
    const p = this.points;
    if (!p) { this.thumbs.append(el("div", { class: "hint", text: "no data given (netsize studio MODEL --data SPEC): the slice through the origin and the first two input axes" })); return; }
    const image = p.d === 784 || p.d === 28 * 28 * 1;
    for (let i = 0; i < Math.min(p.n, 100); i++) {
      const c = el("canvas", { width: "28", height: "28", title: `sample ${i}, label ${p.labels[i]}`, "data-index": String(i) });
      if (image) {
        const g = c.getContext("2d")!, img = g.createImageData(28, 28);
        for (let k = 0; k < 784; k++) { const v = 255 - Math.round(255 * Math.min(1, Math.max(0, p.x[i * p.d + k]!))); img.data.set([v, v, v, 255], 4 * k); }
        g.putImageData(img, 0, 0);
      } else {
        const g = c.getContext("2d")!;
        g.fillStyle = "#eee"; g.fillRect(0, 0, 28, 28); g.fillStyle = "#333"; g.font = "10px sans-serif"; g.fillText(String(p.labels[i] ?? i), 9, 18);
      }
      if (this.picked.includes(i)) c.classList.add("picked");
      c.addEventListener("click", () => this.pick(i));
      this.thumbs.append(c);
    }
  }

  pick(i: number): void {
    this.picked = [...this.picked.filter((j) => j !== i), i].slice(-3);
    for (const c of this.thumbs.querySelectorAll("canvas")) c.classList.toggle("picked", this.picked.includes(Number((c as HTMLElement).dataset.index)));
    if (this.picked.length === 3) void this.newPlane();
  }

  private newPlane(): Promise<void> {
    const net = this.net;
    if (!net) return Promise.resolve();
    const d = inputSize(net);
    if (this.points && this.picked.length === 3) {
      if (this.points.d !== d) { this.say(`the data has ${this.points.d} features but the network takes ${d} inputs`); return Promise.resolve(); }
      this.slice = planeThrough(this.point(this.picked[0]!), this.point(this.picked[1]!), this.point(this.picked[2]!));
      const labels = this.picked.map((i) => String(this.points!.labels[i] ?? ""));
      this.plane.markers = this.slice.anchors.map(([u, v], k) => ({ x: u, y: v, text: labels[k]! }));
    } else {
      const o = new Float64Array(d), e1 = new Float64Array(d), e2 = new Float64Array(d);
      e1[0] = 1; if (d > 1) e2[1] = 1;
      this.slice = planeThrough(o, e1, e2);
      this.plane.markers = [];
    }
    const a = this.slice.anchors;
    const xs = a.map((p) => p[0]), ys = a.map((p) => p[1]);
    this.plane.fit(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), 0.35);
    this.plane.line = undefined;
    this.plane.knots = [];
    return this.compute();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.compute(), 120);
  }

  private worker?: Worker;
  private workerNet?: Network;
  private latest = 0;
  private readonly waiting = new Map<number, (f: ExactFrame | Error | undefined) => void>();

  /** The exact frame from the slice worker (the page's thread where workers are unavailable); undefined when a newer request superseded it. */
  private exact(net: Network, plane: Plane, w: [number, number, number, number]): Promise<ExactFrame | undefined> {
    if (!this.worker && typeof Worker !== "undefined") {
      try {
        this.worker = new Worker(new URL("./slice-worker.ts", import.meta.url), { type: "module" });
        this.worker.onmessage = (e: MessageEvent) => {
          const m = e.data as { id: number; frame?: ExactFrame; error?: string; code?: string };
          const done = this.waiting.get(m.id);
          this.waiting.delete(m.id);
          done?.(m.id !== this.latest ? undefined : m.frame ?? new Error(`${m.code ? `${m.code}: ` : ""}${m.error}`));
        };
      } catch { this.worker = undefined; }
    }
    if (!this.worker) return Promise.resolve(exactFrame(net, plane, w));
    if (this.workerNet !== net) { this.worker.postMessage({ json: networkToJson(net) }); this.workerNet = net; }
    const id = ++this.latest;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (f) => (f instanceof Error ? reject(f) : resolve(f)));
      this.worker!.postMessage({ id, origin: plane.origin, basis: plane.basis, window: w });
    });
  }

  /** The exact partition of the visible window (computed in the slice worker; the last picture stays until it arrives). */
  async compute(): Promise<void> {
    const net = this.net, plane = this.slice;
    if (!net || !plane) return;
    const w = this.plane.window();
    const why = whyNotExact(net);
    if (why) {
      this.last = undefined;
      this.plane.picture = undefined;
      this.plane.heat = { image: sampledHeat(net, plane, w, 120), window: w };
      this.info.innerHTML = `<div class="stat"><span class="label">linear regions</span><span class="value" id="ex-count">none: not piecewise linear</span></div>`;
      this.say(`${why}: shown as a sampled heatmap`);
    } else {
      this.plane.heat = undefined;
      this.say("computing the exact partition of the window…");
      try {
        const f = await this.exact(net, plane, w);
        if (!f) return;
        this.last = f;
        this.plane.picture = f.picture;
        this.plane.showEdges = f.result.count < 60_000;
        const r = f.result;
        this.info.innerHTML = [
          ["linear regions", `<span id="ex-count">${fmt(r.count)}</span>`],
          ["after each layer", r.perLayer.map((p) => fmt(p.regions)).join(" → ")],
          ["decision boundary", `${fmt(r.decisionBoundary.segments.length)} segments`],
          ["stable units on the window", `${f.stable.dead + f.stable.active} of ${fmt(f.stable.units)}`],
          ["exact partition", `${f.ms.toFixed(0)} ms`],
          ["network", `${fmt(inputSize(net))} inputs, ${fmt(outputSize(net))} outputs`],
        ].map(([k, v]) => `<div class="stat"><span class="label">${k}</span><span class="value">${v}</span></div>`).join("");
        this.say("");
      } catch (e) {
        this.say(`${(e as Error).message}; zoom in for fewer regions`);
      }
    }
    this.updateKnots();
    this.plane.draw();
  }

  private updateKnots(): void {
    const line = this.plane.line;
    if (!line || !this.net || !this.slice || whyNotExact(this.net)) { this.plane.knots = []; return; }
    const k = knotsOn(this.net, this.slice, line);
    this.plane.knots = k.knots;
    this.say(`the line crosses ${fmt(k.count)} regions with ${fmt(k.knots.length)} knots`);
  }

  private showHover(u: number, v: number): void {
    const P = this.last?.picture.partition;
    if (!P) return;
    const i = cellAt(P, u, v);
    if (i < 0) { this.hover.textContent = "outside the window"; return; }
    const d = describeCell(P, i);
    const cls = this.last!.picture.predicted[i]!;
    const rows = d.A.map((a, o) => `y${o} = ${a[0]!.toPrecision(4)}·u ${a[1]! < 0 ? "−" : "+"} ${Math.abs(a[1]!).toPrecision(4)}·v ${d.c[o]! < 0 ? "−" : "+"} ${Math.abs(d.c[o]!).toPrecision(4)}`);
    const pat = d.pattern.length > 600 ? `${d.pattern.slice(0, 600)}… (${d.pattern.length} characters)` : d.pattern;
    this.hover.innerHTML = `region ${fmt(i)} of ${fmt(P.count)} · class ${cls}\n(u, v) = (${u.toPrecision(4)}, ${v.toPrecision(4)})\n\n${esc(rows.join("\n"))}\n\npattern (one digit per unit, layers split by |):\n${esc(pat)}`;
  }

  private say(text: string): void { this.message.textContent = text; }

  /** The box [lo, hi]^d spanned by the data's values (for MNIST [0,1]^784), or undefined without data. */
  dataBox(): Box | undefined {
    const p = this.points;
    if (!p || !this.net || p.d !== inputSize(this.net)) return undefined;
    let lo = Infinity, hi = -Infinity;
    for (const v of p.x) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (!(hi > lo)) return undefined;
    return uniformBox(p.d, lo, hi, `[${lo}, ${hi}]^${p.d} (the range of the data)`);
  }

  /** The slice coordinates of an input point on the current plane. */
  coords(p: ArrayLike<number>): [number, number] | undefined {
    return this.slice ? planeCoords(this.slice, p) : undefined;
  }
}
