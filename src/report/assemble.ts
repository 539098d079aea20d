/**
 * Assemble lens results into one report: a self-contained HTML page (headline table, one section
 * per lens with its pictures, a "skipped: why" line for each lens that did not run) and one JSON
 * object holding every result in full.
 */
import { ensembleSection, shallowSection } from "./sections-shallow.js";
import type { InfoResult } from "../lenses/info/index.js";
import { lensNamed } from "../lenses/registry.js";
import type { CompressRunResult } from "../lenses/stability/index.js";
import { headlineHtml, headlineRows, hiddenWidths } from "./headline.js";
import { esc, type FigureOptions, int, num, pageHtml, sectionId } from "./html.js";
import { PENDING_LENSES, type ReportEntry } from "./plan.js";
import { boundsSection, boxSection, lineSection, sampledSection, type SectionContext, sliceSection } from "./sections-regions.js";
import { compressSection, condensationSection, equivalenceSection, evalSection, graphSection, infoSection, simplicitySection, stabilitySection } from "./sections-other.js";
import { runSectionHtml, type RunReport } from "./run-section.js";

/** Everything a report is made of. */
export interface ReportInput {
  title: string;
  /** The model file (or run folder). */
  model: string;
  info: InfoResult;
  entries: ReportEntry[];
  /** Data and domain in words. */
  data?: string;
  domain?: string;
  sliceLabels?: string[];
  run?: RunReport;
  /** ISO time of generation (left out of the page when absent, for reproducible bytes). */
  generated?: string;
  /** Total wall-clock seconds of the lenses. */
  seconds?: number;
}

/** A section renderer: the body HTML of one lens's section. */
type Renderer = (result: never, c: SectionContext) => Promise<string>;

/** Section renderers by lens name: a new lens adds its entry here (and a headline row in headline.ts). */
export const SECTIONS: Record<string, Renderer> = {
  info: infoSection, eval: evalSection, "regions.bounds": boundsSection, "regions.slice": sliceSection, "regions.line": lineSection,
  "regions.box": boxSection, "regions.sampled": sampledSection, stability: stabilitySection, compress: compressSection,
  equivalence: equivalenceSection, simplicity: simplicitySection, condensation: condensationSection, graph: graphSection,
  shallow: shallowSection, ensemble: ensembleSection,
};

/** The entries with stability and equivalence taken out of the compress run (the report runs them once, inside compress). */
export function expandEntries(entries: ReportEntry[]): ReportEntry[] {
  const out: ReportEntry[] = [];
  for (const e of entries) {
    if (e.lens === "compress" && e.status === "ok") {
      const r = e.result as CompressRunResult;
      out.push({ lens: "stability", status: "ok", result: r.stability, ...(e.input ? { input: e.input } : {}), seconds: r.stability.timings.total / 1000, ...(e.budget ? { budget: e.budget } : {}) });
      out.push(e);
      out.push({ lens: "equivalence", status: "ok", result: r.equivalence, input: "the compressed network against the original (in the compress run)", seconds: r.equivalence.timings.total / 1000 });
    } else if (e.lens === "compress" && !out.some((x) => x.lens === "stability")) {
      out.push({ ...e, lens: "stability", why: `${e.why} (the report runs stability inside compress)` }, e, { ...e, lens: "equivalence", why: `${e.why} (the report checks equivalence inside compress)` });
    } else if (!out.some((x) => x.lens === e.lens)) out.push(e);
  }
  return out;
}

function titleOf(lens: string): string {
  return PENDING_LENSES.find((p) => p.name === lens)?.title ?? lens;
}

async function sectionHtml(e: ReportEntry, c: SectionContext): Promise<string> {
  const id = sectionId(e.lens), desc = lensNamed(e.lens)?.description ?? "";
  const head = `<h2>${esc(titleOf(e.lens))}${desc ? ` <span class="meta">— ${esc(desc)}</span>` : ""}</h2>`;
  if (e.status !== "ok") {
    const partial = e.partial && typeof e.partial === "object" && "count" in e.partial ? `<p>Partial result: ${int(Number((e.partial as { count: number }).count))} found before it stopped.</p>` : "";
    return `<section id="${id}" class="skipped">${head}<p class="why">skipped: ${esc(e.why ?? "")}</p>${partial}</section>`;
  }
  const render = SECTIONS[e.lens];
  const meta = `<p class="meta">on ${esc(e.input ?? "")}${e.seconds !== undefined ? ` · ${num(e.seconds, 3)} s` : ""}${e.budget ? ` of its ${e.budget} s budget` : ""}</p>`;
  const body = render ? await (render as (r: unknown, c: SectionContext) => Promise<string>)(e.result, c) : `<p>The full result is in the JSON file (${esc(e.result?.schema ?? "")}).</p>`;
  return `<section id="${id}">${head}${meta}${body}</section>`;
}

/** The report page's HTML. */
export async function reportHtml(input: ReportInput, figures: FigureOptions = {}): Promise<string> {
  const entries = expandEntries(input.entries);
  const byLens = new Map(entries.map((e) => [e.lens, e]));
  const c: SectionContext = { figures, sliceLabels: input.sliceLabels ?? [], widths: hiddenWidths(input.info) };
  const rows = headlineRows(input.info, byLens);
  const ran = entries.filter((e) => e.status === "ok").length;
  const nav = `<nav>${entries.map((e) => `<a href="#${sectionId(e.lens)}"${e.status === "ok" ? "" : ' class="why"'}>${esc(e.lens)}</a>`).join("")}${input.run ? '<a href="#run">run</a>' : ""}</nav>`;
  const sections: string[] = [];
  for (const e of entries) sections.push(await sectionHtml(e, c));
  const run = input.run ? await runSectionHtml(input.run, figures) : "";
  const sub = `${esc(input.model)} · ${int(input.info.params)} parameters, ${int(input.info.units)} units${input.data ? ` · data ${esc(input.data)}` : ""}${input.domain ? ` · domain ${esc(input.domain)}` : ""} · ${ran} of ${entries.length} lenses ran${input.seconds !== undefined ? ` in ${num(input.seconds, 3)} s` : ""}${input.generated ? ` · ${esc(input.generated)}` : ""}`;
  const body = `<section id="headline"><h2>the empirical size</h2><p>How big the network really is, lens by lens, against its ${int(input.info.params)} parameters and ${int(input.info.units)} units. Each figure links to its section; the JSON beside this page holds every result in full.</p>
${headlineHtml(rows)}
${nav}</section>
${run}
${sections.join("\n")}`;
  return pageHtml(input.title, sub, body);
}

/** The report's JSON: every entry with its full result (schema "netsize.report/1"). */
export function reportJson(input: ReportInput): Record<string, unknown> {
  return {
    schema: "netsize.report/1",
    title: input.title, model: input.model,
    ...(input.data ? { data: input.data } : {}), ...(input.domain ? { domain: input.domain } : {}),
    ...(input.generated ? { generated: input.generated } : {}), ...(input.seconds !== undefined ? { seconds: input.seconds } : {}),
    info: input.info,
    lenses: input.entries.map((e) => ({ lens: e.lens, status: e.status, ...(e.why ? { why: e.why } : {}), ...(e.input ? { input: e.input } : {}), ...(e.seconds !== undefined ? { seconds: e.seconds } : {}), ...(e.budget ? { budget: e.budget } : {}), ...(e.result ? { result: e.result } : {}), ...(e.partial ? { partial: e.partial } : {}) })),
    ...(input.run ? { run: { folder: input.run.folder, slice: input.run.slice, domain: input.run.domain, points: input.run.points, notes: input.run.notes, lenses: input.run.entries.map((e) => ({ lens: e.lens, status: e.status, ...(e.why ? { why: e.why } : {}), ...(e.result ? { result: e.result } : {}) })) } } : {}),
  };
}

/** An index page for several reports side by side: their headline tables in columns, each cell linking into its report. */
export function indexHtml(title: string, reports: { label: string; href: string; input: ReportInput }[]): string {
  const tables = reports.map((r) => {
    const rows = headlineRows(r.input.info, new Map(expandEntries(r.input.entries).map((e) => [e.lens, e])));
    return `<div class="col"><h2><a href="${esc(r.href)}">${esc(r.label)}</a></h2>${headlineHtml(rows, (lens) => `${esc(r.href)}#${sectionId(lens)}`)}</div>`;
  });
  return pageHtml(title, `${reports.length} reports side by side; open each for its pictures`, `<style>.cols{display:flex;gap:16px;flex-wrap:wrap}.col{flex:1 1 480px;background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px}</style><div class="cols">${tables.join("\n")}</div>`);
}
