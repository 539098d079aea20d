// The input plane: a canvas showing a window of slice coordinates (pan by dragging, zoom with the
// wheel, shift-drag draws a line), filled by the exact regions of a partition (class colour, shade
// per region), the decision boundary, data points, a drawn line and its knots.
import type { Partition } from "../../index.js";

/** Class colours: Playground's orange and blue first, then Tableau 10. */
export const CLASS_COLOURS = ["#f59322", "#0877bd", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"];

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
const RGB = CLASS_COLOURS.map(rgb);

/** A region picture: polygons in slice coordinates with each cell's predicted class. */
export interface RegionPicture {
  partition: Partition;
  predicted: Int32Array;
  /** Decision boundary segments, flat [ax, ay, bx, by, ...]. */
  boundary: Float64Array;
}

export interface PlanePoint { x: number; y: number; label: number }

/** The visible window: centre and pixels per unit. */
export interface View { cx: number; cy: number; scale: number }

export class PlaneView {
  readonly canvas: HTMLCanvasElement;
  private readonly g: CanvasRenderingContext2D;
  view: View = { cx: 0, cy: 0, scale: 100 };
  picture?: RegionPicture;
  /** A sampled heatmap (for networks that are not piecewise linear): class per pixel block. */
  heat?: { image: ImageData; window: [number, number, number, number] };
  points: PlanePoint[] = [];
  line?: [number, number, number, number];
  knots: [number, number][] = [];
  /** Labelled markers (the three anchor points of a slice). */
  markers: { x: number; y: number; text: string }[] = [];
  showEdges = true;
  onView?: () => void;
  onLine?: (line: [number, number, number, number]) => void;
  onHover?: (x: number, y: number) => void;
  private dpr = 1;

  constructor(parent: HTMLElement, readonly width: number, readonly height: number) {
    this.canvas = document.createElement("canvas");
    this.dpr = Math.min(2, window.devicePixelRatio || 1);
    this.canvas.width = Math.round(width * this.dpr);
    this.canvas.height = Math.round(height * this.dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.className = "plane";
    parent.appendChild(this.canvas);
    this.g = this.canvas.getContext("2d")!;
    this.listen();
  }

  private legendBox?: HTMLElement;

  /** A legend of the class colours under the canvas (classes 0..k−1). */
  legend(k: number): void {
    if (!this.legendBox) {
      this.legendBox = document.createElement("div");
      this.legendBox.className = "legend";
      this.legendBox.style.maxWidth = `${this.width}px`; // wraps under the canvas instead of widening the panel
      this.canvas.after(this.legendBox);
    }
    this.legendBox.innerHTML = Array.from({ length: k }, (_, c) => `<span><i style="background:${CLASS_COLOURS[c % CLASS_COLOURS.length]}"></i>class ${c}</span>`).join("")
      + `<span><i style="background:#111;height:2px"></i>decision boundary</span>`;
  }

  /** The visible window in slice coordinates: [xmin, ymin, xmax, ymax]. */
  window(): [number, number, number, number] {
    const hw = this.width / 2 / this.view.scale, hh = this.height / 2 / this.view.scale;
    return [this.view.cx - hw, this.view.cy - hh, this.view.cx + hw, this.view.cy + hh];
  }

  /** Fit the window to a bounding box with a margin. */
  fit(xmin: number, ymin: number, xmax: number, ymax: number, margin = 0.15): void {
    const w = Math.max(1e-9, xmax - xmin), h = Math.max(1e-9, ymax - ymin);
    this.view = { cx: (xmin + xmax) / 2, cy: (ymin + ymax) / 2, scale: Math.min(this.width / (w * (1 + 2 * margin)), this.height / (h * (1 + 2 * margin))) };
  }

  toScreen(x: number, y: number): [number, number] {
    return [(x - this.view.cx) * this.view.scale + this.width / 2, this.height / 2 - (y - this.view.cy) * this.view.scale];
  }

  toWorld(px: number, py: number): [number, number] {
    return [(px - this.width / 2) / this.view.scale + this.view.cx, (this.height / 2 - py) / this.view.scale + this.view.cy];
  }

  /** Redraw everything. */
  draw(): void {
    const g = this.g, s = this.view.scale, ox = this.width / 2 - this.view.cx * s, oy = this.height / 2 + this.view.cy * s;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.fillStyle = "#fff";
    g.fillRect(0, 0, this.width, this.height);
    if (this.heat) {
      const [x0, y0, x1, y1] = this.heat.window;
      const [ax, ay] = this.toScreen(x0, y1), [bx, by] = this.toScreen(x1, y0);
      const tmp = document.createElement("canvas");
      tmp.width = this.heat.image.width; tmp.height = this.heat.image.height;
      tmp.getContext("2d")!.putImageData(this.heat.image, 0, 0);
      g.imageSmoothingEnabled = false;
      g.drawImage(tmp, ax, ay, bx - ax, by - ay);
    }
    const P = this.picture?.partition;
    if (P && this.picture) {
      // The cells are rasterised here, not filled as paths: a scanline fill of each convex cell into
      // a buffer of cell ids, then one pass colouring every pixel by its cell's class (a shade per
      // cell) and whitening pixels whose neighbour lies in another cell (the region edges). Linear in
      // pixels plus vertices, where canvas paths cost ~40 µs per cell in a software-rendered page.
      this.rasterise(P, this.picture.predicted);
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.putImageData(this.image!, 0, 0);
      g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      const B = this.picture.boundary;
      if (B.length) {
        const path = new Path2D();
        for (let q = 0; q < B.length; q += 4) { path.moveTo(B[q]! * s + ox, oy - B[q + 1]! * s); path.lineTo(B[q + 2]! * s + ox, oy - B[q + 3]! * s); }
        g.strokeStyle = "#111";
        g.lineWidth = 2;
        g.stroke(path);
      }
    }
    for (const p of this.points) {
      const [x, y] = this.toScreen(p.x, p.y);
      if (x < -5 || y < -5 || x > this.width + 5 || y > this.height + 5) continue;
      g.beginPath();
      g.arc(x, y, 3, 0, 2 * Math.PI);
      g.fillStyle = CLASS_COLOURS[p.label % CLASS_COLOURS.length]!;
      g.fill();
      g.strokeStyle = "#fff";
      g.lineWidth = 1;
      g.stroke();
    }
    for (const m of this.markers) {
      const [x, y] = this.toScreen(m.x, m.y);
      g.beginPath(); g.arc(x, y, 6, 0, 2 * Math.PI);
      g.fillStyle = "#000"; g.fill();
      g.fillStyle = "#fff"; g.font = "bold 10px sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
      g.fillText(m.text, x, y);
    }
    if (this.line) {
      const [a, b] = this.toScreen(this.line[0], this.line[1]), [c, d] = this.toScreen(this.line[2], this.line[3]);
      g.setLineDash([6, 4]);
      g.strokeStyle = "#222"; g.lineWidth = 1.5;
      g.beginPath(); g.moveTo(a, b); g.lineTo(c, d); g.stroke();
      g.setLineDash([]);
      for (const [kx, ky] of this.knots) {
        const [x, y] = this.toScreen(kx, ky);
        g.beginPath(); g.arc(x, y, 3.5, 0, 2 * Math.PI);
        g.fillStyle = "#d7191c"; g.fill(); g.strokeStyle = "#fff"; g.lineWidth = 1; g.stroke();
      }
    }
  }

  private ids?: Int32Array;
  private image?: ImageData;

  /** Fill this.image with the partition's cells (device pixels). */
  private rasterise(P: Partition, pred: Int32Array): void {
    const W = this.canvas.width, H = this.canvas.height, d = this.dpr, s = this.view.scale * d;
    const ox = (this.width / 2) * d - this.view.cx * s, oy = (this.height / 2) * d + this.view.cy * s;
    if (!this.ids || this.ids.length !== W * H) { this.ids = new Int32Array(W * H); this.image = new ImageData(W, H); }
    const ids = this.ids.fill(-1), V = P.verts;
    const xs = new Float64Array(64), ys = new Float64Array(64);
    for (let i = 0; i < P.count; i++) {
      const off = P.cellOff[i]!, n = P.cellLen[i]!;
      let y0 = Infinity, y1 = -Infinity;
      const X = n <= 64 ? xs : new Float64Array(n), Y = n <= 64 ? ys : new Float64Array(n);
      for (let q = 0; q < n; q++) {
        X[q] = V[off + 2 * q]! * s + ox; Y[q] = oy - V[off + 2 * q + 1]! * s;
        if (Y[q]! < y0) y0 = Y[q]!;
        if (Y[q]! > y1) y1 = Y[q]!;
      }
      // Pixel rows whose centre (r + 0.5) lies in [y0, y1].
      const r0 = Math.max(0, Math.ceil(y0 - 0.5)), r1 = Math.min(H - 1, Math.floor(y1 - 0.5));
      for (let r = r0; r <= r1; r++) {
        const yc = r + 0.5;
        let xl = Infinity, xr = -Infinity;
        for (let q = 0; q < n; q++) {
          const qn = q + 1 === n ? 0 : q + 1;
          const ya = Y[q]!, yb = Y[qn]!;
          if ((ya <= yc && yb >= yc) || (yb <= yc && ya >= yc)) {
            const x = ya === yb ? Math.min(X[q]!, X[qn]!) : X[q]! + ((yc - ya) / (yb - ya)) * (X[qn]! - X[q]!);
            const x2 = ya === yb ? Math.max(X[q]!, X[qn]!) : x;
            if (x < xl) xl = x;
            if (x2 > xr) xr = x2;
          }
        }
        const c0 = Math.max(0, Math.ceil(xl - 0.5)), c1 = Math.min(W - 1, Math.floor(xr - 0.5));
        const base = r * W;
        for (let c = c0; c <= c1; c++) ids[base + c] = i;
      }
    }
    const px = this.image!.data;
    const edges = this.showEdges;
    for (let p = 0; p < W * H; p++) {
      const id = ids[p]!, k = 4 * p;
      if (id < 0) { px[k] = 255; px[k + 1] = 255; px[k + 2] = 255; px[k + 3] = 255; continue; }
      const [r, gg, b] = RGB[pred[id]! % RGB.length]!;
      const shade = 0.62 + 0.09 * (Math.imul(id + 1, 0x9e3779b1) >>> 30);
      let f = 1 - shade;
      if (edges && ((p % W !== W - 1 && ids[p + 1] !== id) || (p + W < W * H && ids[p + W] !== id))) f *= 0.25;
      px[k] = 255 - (255 - r) * f; px[k + 1] = 255 - (255 - gg) * f; px[k + 2] = 255 - (255 - b) * f; px[k + 3] = 255;
    }
  }

  private listen(): void {
    const c = this.canvas;
    let drag: { x: number; y: number; view: View; line: boolean } | undefined;
    const pos = (e: MouseEvent): [number, number] => { const r = c.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    c.addEventListener("mousedown", (e) => {
      const [x, y] = pos(e);
      drag = { x, y, view: { ...this.view }, line: e.shiftKey };
      if (drag.line) { const [wx, wy] = this.toWorld(x, y); this.line = [wx, wy, wx, wy]; this.knots = []; }
      e.preventDefault();
    });
    window.addEventListener("mousemove", (e) => {
      const [x, y] = pos(e);
      if (!drag) { if (x >= 0 && y >= 0 && x < this.width && y < this.height) { const [wx, wy] = this.toWorld(x, y); this.onHover?.(wx, wy); } return; }
      if (drag.line) {
        const [wx, wy] = this.toWorld(x, y);
        this.line![2] = wx; this.line![3] = wy;
        this.draw();
      } else {
        this.view = { ...drag.view, cx: drag.view.cx - (x - drag.x) / drag.view.scale, cy: drag.view.cy + (y - drag.y) / drag.view.scale };
        this.draw();
      }
    });
    window.addEventListener("mouseup", () => {
      if (!drag) return;
      const d = drag; drag = undefined;
      if (d.line) { if (this.line && (this.line[0] !== this.line[2] || this.line[1] !== this.line[3])) this.onLine?.(this.line); }
      else if (d.view.cx !== this.view.cx || d.view.cy !== this.view.cy) this.onView?.();
    });
    c.addEventListener("wheel", (e) => {
      e.preventDefault();
      const [x, y] = pos(e);
      const [wx, wy] = this.toWorld(x, y);
      const f = Math.exp(-e.deltaY * 0.0015);
      this.view.scale *= f;
      // Keep the point under the cursor fixed.
      this.view.cx = wx - (x - this.width / 2) / this.view.scale;
      this.view.cy = wy + (y - this.height / 2) / this.view.scale;
      this.draw();
      this.onView?.();
    }, { passive: false });
  }
}
