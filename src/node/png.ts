/** SVG to PNG with resvg (no browser, no native canvas): the CLI's --png. */
import { Resvg } from "@resvg/resvg-js";

/** Options of svgToPng. */
export interface PngOptions {
  /** Output width in pixels (default: the SVG's own width times `zoom`). */
  width?: number;
  /** Scale factor when no width is given (default 2, for crisp thin edges). */
  zoom?: number;
}

/** Rasterise an SVG document to PNG bytes (white background, system fonts, DejaVu Sans by default). */
export function svgToPng(svg: string, opts: PngOptions = {}): Uint8Array {
  const fitTo = opts.width ? { mode: "width" as const, value: opts.width } : { mode: "zoom" as const, value: opts.zoom ?? 2 };
  const r = new Resvg(svg, {
    fitTo,
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  return new Uint8Array(r.render().asPng());
}
