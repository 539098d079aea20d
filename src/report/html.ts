/**
 * The page frame of a report: one self-contained HTML document (inline CSS, inline SVG figures or
 * PNG data URIs, no script, no font or request leaving the file), and the small HTML helpers the
 * sections share.
 */
import { xmlEscape } from "./colors.js";
import { encodeBase64 } from "../core/base64.js";

/** Escape text for HTML content and attributes. */
export const esc = xmlEscape;

/** A figure: an SVG document, or PNG bytes (a rasterised SVG too large to inline). */
export interface Figure {
  svg?: string;
  png?: Uint8Array;
  /** Alt text / caption. */
  caption: string;
  width?: number;
  height?: number;
}

/** Turns an SVG into PNG bytes (the Node side passes resvg; a browser caller may pass none). */
export type Rasterize = (svg: string) => Uint8Array;

/** How figures are embedded: SVGs above `inlineMax` bytes are rasterised when a rasterizer is given. */
export interface FigureOptions {
  rasterize?: Rasterize;
  /** Largest SVG inlined as is (default 150 kB). */
  inlineMax?: number;
}

/** The anchor id of a lens's section. */
export function sectionId(lens: string): string {
  return `lens-${lens.replace(/[^a-z0-9]+/gi, "-")}`;
}

/** A figure from an SVG: inline when small (or when nothing can rasterise it), else a PNG. */
export function figureOf(svg: string, caption: string, o: FigureOptions = {}): Figure {
  const max = o.inlineMax ?? 150_000;
  if (svg.length <= max || !o.rasterize) return { svg, caption };
  const m = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  return { png: o.rasterize(svg), caption, ...(m ? { width: Number(m[1]), height: Number(m[2]) } : {}) };
}

/** The HTML of a figure: the SVG inline (its XML prolog dropped, scaled to the column), or an <img> with a PNG data URI. */
export function figureHtml(f: Figure): string {
  if (f.png) {
    const size = f.width && f.height ? ` width="${f.width}" height="${f.height}"` : "";
    return `<figure><img alt="${esc(f.caption)}" src="data:image/png;base64,${encodeBase64(f.png)}"${size}><figcaption>${esc(f.caption)}</figcaption></figure>`;
  }
  const svg = (f.svg ?? "").replace(/^<\?xml[^>]*>\s*/, "");
  return `<figure><div class="svg" role="img" aria-label="${esc(f.caption)}">${svg}</div><figcaption>${esc(f.caption)}</figcaption></figure>`;
}

/** A table from header cells and rows of cell HTML (already escaped). */
export function tableHtml(head: readonly string[], rows: readonly (readonly string[])[], cls = ""): string {
  const th = head.map((h) => `<th>${h}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n");
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** Thousands-separated integer. */
export function int(n: number): string {
  return n.toLocaleString("en-US");
}

/** A number for a table: integers separated, others to `digits` significant digits. */
export function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return Number.isInteger(x) ? int(x) : Number(x.toPrecision(digits)).toString();
}

/** A decimal-string big count: exact when short, else ≈ m × 10^k. */
export function big(s: string): string {
  if (s.length <= 9) return int(Number(s));
  return `≈ ${s[0]}.${s.slice(1, 3)} × 10<sup>${s.length - 1}</sup>`;
}

/** Percent with one decimal. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

const CSS = `
body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:0;color:#222;background:#fafafa;line-height:1.4}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:1.6em;margin:.4em 0 .1em}h2{font-size:1.25em;margin:0 0 .4em}h3{font-size:1.05em;margin:.8em 0 .3em}
.sub{color:#555;margin:.2em 0 1em}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 18px;margin:16px 0}
section.skipped{background:#f4f4f4;color:#555}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}
th,td{border-bottom:1px solid #e3e3e3;padding:3px 10px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
table.headline td:nth-child(2){text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
a{color:#1f5fa8;text-decoration:none}a:hover{text-decoration:underline}
figure{margin:.6em 0;overflow-x:auto}figure .svg svg{max-width:100%;height:auto}figure img{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#555}
.why{font-style:italic}.meta{font-size:.85em;color:#666}
nav{font-size:.9em;margin:.4em 0 1em;display:flex;flex-wrap:wrap;gap:2px 14px}
code{background:#f2f2f2;padding:0 3px;border-radius:3px}
`;

/** A whole page: title, subtitle (HTML) and body HTML. No script, no external resource. */
export function pageHtml(title: string, subtitle: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>${CSS}</style></head>
<body><main>
<h1>${esc(title)}</h1>
<p class="sub">${subtitle}</p>
${body}
</main></body></html>
`;
}
