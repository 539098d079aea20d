// What the server was started with (./session.json): a model, or a run folder's snapshots, and data points.
export interface Session {
  /** The model file. */
  model?: { name: string; url: string };
  run?: { name: string; snapshots: { name: string; epoch: number; step: number; url: string; metrics?: Record<string, number> }[] };
  data?: { name: string; url: string; n: number; shape: number[]; labels: number[] };
}

/** The session of this page (empty when there is none: the playground alone). */
export async function loadSession(): Promise<Session> {
  try {
    const r = await fetch("./session.json");
    return r.ok ? ((await r.json()) as Session) : {};
  } catch {
    return {};
  }
}
