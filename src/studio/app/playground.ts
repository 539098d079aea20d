// The playground: TensorFlow Playground with the exact picture. 2-D data (the synthetic sets or a
// dropped CSV, any number of classes), an MLP of any width and depth, trained live in the page by the
// training lab; every few steps the window shows the exact linear regions and decision boundary, with
// the region count, knots on a drawn line and units stable on the window, and a chart of regions
// against steps. Networks save as netsize JSON or ONNX and load back; the whole state is in the URL.
import {
  networkFromBytes, networkToJson, networkToOnnx, parseCsv, syntheticDataset, SYNTHETIC,
  type ActivationName, type Dataset, type Network,
} from "../../index.js";
import { LiveTrainer, INIT_SCHEMES, OPTIMIZERS, trainActivations, type InitScheme, type OptimizerName } from "../../train/browser.js";
import { StepChart } from "./chart.js";
import { benchRedraw, type RedrawTimes } from "./redraw-bench.js";
import { exactFrame, inputPlane, knotsOn, sampledHeat, whyNotExact, type ExactFrame } from "./exact.js";
import { PlaneView } from "./plane.js";
import { flatWeights, formatState, mlpFromFlat, parseState, type PlaygroundState } from "./state.js";
import { button, download, el, fmt, input, nextFrame, row, select } from "./ui.js";

const SETS = ["moons", "circles", "spiral", "xor", "gaussians"] as const;

/** A dropped CSV's points (kept in the URL too, so a link carries them). */
interface CsvData { name: string; x: Float64Array; labels: Int32Array }

export class Playground {
  readonly plane: PlaneView;
  private state: PlaygroundState;
  private data!: Dataset;
  private classes = 2;
  private csv?: CsvData;
  private trainer?: LiveTrainer;
  private running?: AbortController;
  private last?: ExactFrame;
  private net?: Network;
  private readonly chart: StepChart;
  private readonly stats: Record<string, HTMLElement> = {};
  private readonly controls: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  private readonly message: HTMLElement;
  /** Resolves when the session the URL describes is on screen (tests and the benchmark wait on it). */
  ready: Promise<void>;

  constructor(root: HTMLElement, hash: string) {
    this.state = parseState(hash);
    if (this.state.points && this.state.data.startsWith("csv")) this.csv = { name: this.state.data.slice(4) || "link.csv", ...this.state.points };
    const left = el("div", { class: "panel controls" }), mid = el("div", { class: "panel centre" }), right = el("div", { class: "panel stats" });
    root.append(left, mid, right);
    this.message = el("div", { class: "message", id: "pg-message" });
    this.plane = new PlaneView(mid, 560, 560);
    mid.append(el("div", { class: "hint", text: "drag to pan · wheel to zoom · shift-drag draws a line (its knots in red)" }), this.message);
    this.buildControls(left);
    this.buildStats(right);
    this.chart = new StepChart(this.stats.chart!);
    this.plane.onView = () => { this.state.view = { ...this.plane.view }; this.redraw(); this.syncUrl(); };
    this.plane.onLine = (l) => { this.state.line = [...l]; this.updateKnots(); this.plane.draw(); this.syncUrl(); };
    this.ready = this.start();
  }

  private buildControls(left: HTMLElement): void {
    const s = this.state;
    const [set] = s.data.split(":");
    const params = new URLSearchParams((s.data.split(":")[1] ?? "").replace(/,/g, "&"));
    const c = this.controls;
    c.set = select("data-set", [...SETS, "csv"], set === "csv" ? "csv" : SETS.includes(set as typeof SETS[number]) ? set! : "moons");
    c.n = input("data-n", params.get("n") ?? "200", { type: "number", min: "4", max: "5000", step: "1" });
    c.noise = input("data-noise", params.get("noise") ?? params.get("std") ?? "0.1", { type: "number", min: "0", max: "2", step: "0.05" });
    c.classes = input("data-classes", params.get("classes") ?? "2", { type: "number", min: "2", max: "10", step: "1" });
    c.hidden = input("hidden", s.hidden.join(","), { title: "hidden widths, comma separated, e.g. 16,16,16" });
    c.activation = select("activation", Object.keys(trainActivations), s.activation);
    c.init = select("init", INIT_SCHEMES, s.init);
    c.gamma = input("gamma", s.gamma, { type: "number", step: "0.1", title: "γ of the small initialisation (std = fan_in^−γ)" });
    c.l1 = input("l1", s.l1, { type: "number", step: "0.0001", min: "0" });
    c.l2 = input("l2", s.l2, { type: "number", step: "0.0001", min: "0" });
    c.optimizer = select("optimizer", OPTIMIZERS, s.optimizer);
    c.lr = input("lr", s.lr, { type: "number", step: "0.001", min: "0" });
    c.batch = input("batch", s.batch, { type: "number", step: "1", min: "1" });
    c.seed = input("seed", s.seed, { type: "number", step: "1" });
    c.every = input("every", s.every, { type: "number", step: "1", min: "1", title: "redraw the exact picture every this many steps" });
    const drop = el("div", { class: "drop", id: "csv-drop", text: "drop a CSV here (x, y, label)" });
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); const f = e.dataTransfer?.files[0]; if (f) void this.loadCsv(f); });
    const csvInput = el("input", { type: "file", id: "csv-file", accept: ".csv,text/csv", class: "hidden-file" });
    csvInput.addEventListener("change", () => { const f = csvInput.files?.[0]; if (f) void this.loadCsv(f); });
    drop.addEventListener("click", () => csvInput.click());
    const load = el("input", { type: "file", id: "load-file", accept: ".json,.onnx", class: "hidden-file" });
    load.addEventListener("change", () => { const f = load.files?.[0]; if (f) void this.loadNetwork(f); });
    left.append(
      el("h3", { text: "Data" }), row("set", c.set), row("points", c.n), row("noise", c.noise), row("classes", c.classes), drop, csvInput,
      el("h3", { text: "Network" }), row("hidden", c.hidden), row("activation", c.activation), row("init", c.init), row("γ", c.gamma),
      el("h3", { text: "Regularisation" }), row("L1", c.l1), row("L2", c.l2),
      el("h3", { text: "Training" }), row("optimiser", c.optimizer), row("learning rate", c.lr), row("batch", c.batch), row("seed", c.seed), row("redraw every", c.every),
      el("div", { class: "buttons" },
        button("play", "▶ train", () => this.toggle()), button("step", "step", () => void this.stepOnce()), button("reset", "reset", () => void this.reset())),
      el("h3", { text: "Save / load" }),
      el("div", { class: "buttons" },
        button("save-json", "netsize JSON", () => this.saveJson()), button("save-onnx", "ONNX", () => this.saveOnnx()),
        button("load", "load…", () => load.click()), load),
      el("div", { class: "buttons" }, button("copy-link", "link to this session", () => this.copyLink())),
      input("link", "", { readonly: "true", class: "link" }),
    );
    for (const [k, ctl] of Object.entries(c)) {
      ctl.addEventListener("change", () => {
        if (k === "every") { this.state.every = Math.max(1, Number(ctl.value) || 1); this.syncUrl(); return; }
        void this.reset();
      });
    }
  }

  private buildStats(right: HTMLElement): void {
    const st = (id: string, label: string): HTMLElement => {
      const v = el("span", { id, class: "value", text: "–" });
      right.append(el("div", { class: "stat" }, el("span", { class: "label", text: label }), v));
      this.stats[id] = v;
      return v;
    };
    right.append(el("h3", { text: "Exact, on the visible window" }));
    st("step-count", "step"); st("loss", "loss"); st("accuracy", "accuracy");
    st("region-count", "linear regions"); st("per-layer", "regions after each layer"); st("boundary", "decision boundary");
    st("stable", "stable units"); st("knots", "knots on the line"); st("frame-ms", "exact redraw");
    right.append(el("h3", { text: "Regions against steps" }));
    this.stats.chart = el("div", { id: "chart", class: "chart" });
    right.append(this.stats.chart);
  }

  private async start(): Promise<void> {
    await this.reset(this.state.weights, this.state.steps);
  }

  /** The data set the controls describe. */
  private dataset(): Dataset {
    const c = this.controls;
    const set = c.set!.value;
    if (set !== "csv") this.state.points = undefined;
    if (set === "csv") {
      if (!this.csv) throw new Error("drop a CSV file first");
      const n = this.csv.labels.length;
      return { name: this.csv.name, n, shape: [2], x: this.csv.x, labels: this.csv.labels };
    }
    const n = Math.round(Number(c.n!.value)), noise = Number(c.noise!.value), k = Math.round(Number(c.classes!.value));
    const keys = SYNTHETIC[set]!.defaults;
    const parts = [`n=${n}`];
    if ("noise" in keys) parts.push(`noise=${noise}`);
    if ("std" in keys) parts.push(`std=${noise}`);
    if ("classes" in keys) parts.push(`classes=${k}`);
    const spec = `${set}:${parts.join(",")}`;
    this.state.data = spec;
    return syntheticDataset(spec);
  }

  private readState(): void {
    const c = this.controls, s = this.state;
    s.hidden = c.hidden!.value.split(",").map((t) => Number(t.trim())).filter((h) => Number.isInteger(h) && h >= 1);
    s.activation = c.activation!.value; s.init = c.init!.value; s.gamma = Number(c.gamma!.value);
    s.l1 = Math.max(0, Number(c.l1!.value) || 0); s.l2 = Math.max(0, Number(c.l2!.value) || 0);
    s.optimizer = c.optimizer!.value; s.lr = Number(c.lr!.value); s.batch = Math.max(1, Math.round(Number(c.batch!.value) || 1));
    s.seed = Math.round(Number(c.seed!.value) || 0); s.every = Math.max(1, Math.round(Number(c.every!.value) || 1));
  }

  private arch(): string {
    return [2, ...this.state.hidden, Math.max(2, this.classes)].join("-");
  }

  /** A new session from the controls: fresh weights (or `weights`), then `steps` steps of training. */
  async reset(weights?: Float64Array, steps = 0): Promise<void> {
    this.pause();
    this.say("");
    try {
      this.readState();
      this.data = this.dataset();
      this.classes = 0;
      for (const l of this.data.labels!) this.classes = Math.max(this.classes, l + 1);
      this.trainer?.dispose();
      const s = this.state;
      const start = weights ? mlpFromFlat(this.arch().split("-").map(Number), weights, this.state.activation as ActivationName) : undefined;
      this.trainer = new LiveTrainer({
        arch: this.arch(), activation: s.activation as ActivationName, init: s.init as InitScheme, gamma: s.gamma, l1: s.l1, l2: s.l2,
        optimizer: s.optimizer as OptimizerName, lr: s.lr, batch: s.batch, seed: s.seed,
      }, { x: this.data.x, n: this.data.n, d: 2, labels: this.data.labels!, classes: this.classes }, start);
      this.stepBase = weights ? steps : 0;
      this.plane.legend(Math.max(2, this.classes));
      this.plane.points = Array.from({ length: this.data.n }, (_, i) => ({ x: this.data.x[2 * i]!, y: this.data.x[2 * i + 1]!, label: this.data.labels![i]! }));
      if (this.state.view) this.plane.view = { ...this.state.view };
      else this.fitData();
      this.plane.line = this.state.line ? [...this.state.line] : undefined;
      this.chart.clear();
      if (!weights && steps > 0) {
        await this.trainer.run(steps, this.state.every, () => this.frame());
      }
      this.frame();
    } catch (e) {
      this.say((e as Error).message);
    }
  }

  /** Steps already taken by the network a link loaded (the trainer counts from 0 again). */
  private stepBase = 0;

  private get step(): number { return this.stepBase + (this.trainer?.step ?? 0); }

  private fitData(): void {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of this.plane.points) { x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y); }
    if (!Number.isFinite(x0)) { x0 = -1; y0 = -1; x1 = 1; y1 = 1; }
    this.plane.fit(x0, y0, x1, y1);
    this.state.view = { ...this.plane.view };
  }

  /** Read the network and draw its exact picture of the window. */
  frame(): void {
    if (!this.trainer) return;
    this.net = this.trainer.network({ source: "netsize studio", data: this.state.data });
    this.state.steps = this.step;
    this.redraw();
    const ev = this.trainer.evaluate();
    this.stats["step-count"]!.textContent = fmt(this.step);
    this.stats.loss!.textContent = ev.loss.toPrecision(4);
    this.stats.accuracy!.textContent = ev.accuracy !== undefined ? `${(100 * ev.accuracy).toFixed(1)} %` : "–";
    if (this.last) this.chart.add(this.step, this.last.result.count, ev.loss);
    this.syncUrl();
  }

  /** The exact picture of the current network on the current window. */
  redraw(): void {
    const net = this.net;
    if (!net) return;
    const why = whyNotExact(net);
    const w = this.plane.window();
    if (why) {
      this.last = undefined;
      this.plane.picture = undefined;
      this.plane.heat = { image: sampledHeat(net, inputPlane(), w, 100), window: w };
      for (const k of ["region-count", "per-layer", "boundary", "stable", "frame-ms"]) this.stats[k]!.textContent = "–";
      this.stats["region-count"]!.textContent = "none: not piecewise linear";
      this.say(`${why}: its picture is a 100×100 sampled heatmap; choose a piecewise-linear activation (relu, leakyrelu, abs, hardtanh, identity) for the exact regions`);
    } else {
      this.plane.heat = undefined;
      try {
        const f = exactFrame(net, inputPlane(), w);
        this.last = f;
        this.plane.picture = f.picture;
        const r = f.result;
        this.stats["region-count"]!.textContent = fmt(r.count);
        this.stats["per-layer"]!.textContent = r.perLayer.map((p) => fmt(p.regions)).join(" → ");
        this.stats.boundary!.textContent = `${fmt(r.decisionBoundary.segments.length)} segments, length ${r.decisionBoundary.length.toPrecision(4)}`;
        this.stats.stable!.textContent = `${f.stable.dead + f.stable.active} of ${f.stable.units} (${f.stable.dead} dead, ${f.stable.active} always on)`;
        this.stats["frame-ms"]!.textContent = `${f.ms.toFixed(1)} ms`;
        if (this.message.dataset.kind !== "error") this.say("");
      } catch (e) {
        this.say((e as Error).message, true);
      }
    }
    this.updateKnots();
    this.plane.draw();
  }

  private updateKnots(): void {
    const line = this.plane.line;
    if (!line || !this.net || whyNotExact(this.net)) { this.plane.knots = []; this.stats.knots!.textContent = "–"; return; }
    const k = knotsOn(this.net, inputPlane(), line);
    this.plane.knots = k.knots;
    this.stats.knots!.textContent = `${k.knots.length} knots, ${k.count} regions crossed`;
  }

  private say(text: string, error = false): void {
    this.message.textContent = text;
    this.message.dataset.kind = error ? "error" : "";
  }

  toggle(): void {
    if (this.running) this.pause(); else void this.play();
  }

  pause(): void {
    this.running?.abort();
    this.running = undefined;
    const b = document.getElementById("play");
    if (b) b.textContent = "▶ train";
  }

  async play(until = Infinity): Promise<void> {
    if (!this.trainer || this.running) return;
    const ctl = new AbortController();
    this.running = ctl;
    document.getElementById("play")!.textContent = "❚❚ pause";
    try {
      const target = Number.isFinite(until) ? until - this.stepBase : this.trainer.step + 1e9;
      await this.trainer.run(target, this.state.every, async () => { this.frame(); await nextFrame(); }, ctl.signal);
    } catch (e) {
      this.say((e as Error).message, true);
    } finally {
      if (this.running === ctl) this.pause();
    }
  }

  async stepOnce(): Promise<void> {
    if (!this.trainer || this.running) return;
    await this.trainer.run(this.trainer.step + this.state.every, this.state.every, () => this.frame());
  }

  /** Train until global step `n` (the tests' and the benchmark's entry). */
  async trainTo(n: number): Promise<void> {
    await this.play(n);
  }

  private async loadCsv(f: File): Promise<void> {
    try {
      const ds = parseCsv(await f.text(), f.name, { labelColumn: -1 });
      if (ds.shape.length !== 1 || ds.shape[0] !== 2) throw new Error(`${f.name}: the playground needs two feature columns and a label column; it has ${ds.shape[0]} features`);
      if (!ds.labels) throw new Error(`${f.name}: the last column must hold integer class labels`);
      if (ds.n > 20_000) throw new Error(`${f.name}: ${ds.n} points; the playground takes at most 20,000`);
      this.csv = { name: f.name, x: ds.x, labels: ds.labels };
      this.state.points = { x: ds.x, labels: ds.labels };
      this.controls.set!.value = "csv";
      this.state.data = `csv:${f.name}`;
      this.state.view = undefined;
      await this.reset();
    } catch (e) {
      this.say((e as Error).message, true);
    }
  }

  private async loadNetwork(f: File): Promise<void> {
    try {
      const net = networkFromBytes(new Uint8Array(await f.arrayBuffer()), { file: f.name });
      const dense = net.layers.filter((l) => l.kind === "dense");
      const acts = net.layers.filter((l) => l.kind === "activation");
      if (net.inputShape.length !== 1 || net.inputShape[0] !== 2 || dense.length < 1 || net.layers.some((l) => l.kind !== "dense" && l.kind !== "activation")) {
        throw new Error(`${f.name}: the playground trains MLPs on two inputs (dense and activation layers); open other models with 'netsize studio ${f.name}'`);
      }
      const act = acts[0]?.kind === "activation" ? acts[0].fn : "relu";
      const widths = [2, ...dense.map((l) => (l.kind === "dense" ? l.outSize : 0))];
      if (widths[widths.length - 1]! < this.classes) throw new Error(`${f.name}: ${widths[widths.length - 1]} outputs, but the data has ${this.classes} classes`);
      this.controls.hidden!.value = widths.slice(1, -1).join(",");
      this.controls.activation!.value = act;
      this.readState();
      await this.reset(flatWeights(net), typeof net.meta.step === "number" ? net.meta.step : 0);
      this.say(`loaded ${f.name}`);
    } catch (e) {
      this.say((e as Error).message, true);
    }
  }

  private saveJson(): void {
    if (this.net) download(`studio-step${this.step}.json`, networkToJson(this.net), "application/json");
  }

  private saveOnnx(): void {
    if (this.net) download(`studio-step${this.step}.onnx`, networkToOnnx(this.net), "application/octet-stream");
  }

  /** The URL of this session (weights included). */
  link(): string {
    const s: PlaygroundState = { ...this.state, ...(this.net ? { weights: flatWeights(this.net) } : {}) };
    if (!this.state.data.startsWith("csv")) delete s.points;
    return `${location.origin}${location.pathname}#${formatState(s)}`;
  }

  private copyLink(): void {
    const url = this.link();
    (document.getElementById("link") as HTMLInputElement).value = url;
    void navigator.clipboard?.writeText(url).catch(() => undefined);
  }

  private syncUrl(): void {
    // The fragment without weights while training (cheap); "link to this session" adds them.
    history.replaceState(null, "", `#${formatState({ ...this.state, weights: undefined, ...(this.state.data.startsWith("csv") ? {} : { points: undefined }) })}`);
  }

  /** The benchmark's measure (see redraw-bench.ts); the normal picture is redrawn afterwards. */
  benchRedraw(reps: number): RedrawTimes {
    const r = benchRedraw(() => (this.net = this.trainer!.network()), this.plane, reps);
    this.redraw();
    return r;
  }

  /** What the tests read: the network as netsize JSON, the window, the count shown. */
  probe(): { json: string | undefined; window: [number, number, number, number]; count: number | undefined; step: number } {
    return { json: this.net ? networkToJson(this.net) : undefined, window: this.plane.window(), count: this.last?.result.count, step: this.step };
  }
}

