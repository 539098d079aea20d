// The studio's Node side: building its page (Vite) and serving it on loopback.
export { studioApp, buildStudio, studioFingerprint, packageRoot } from "./build.js";
export { serveStudio, mimeType } from "./serve.js";
export type { StudioRoute, StudioServer } from "./serve.js";
