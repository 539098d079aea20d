import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    setupFiles: ["test/helpers/yield-setup.ts"],
    // Generous on purpose: the suite must pass on a loaded machine (CI's limit is 90 minutes); heavy
    // sweeps run in the full tier (NETSIZE_FULL=1, `npm run test:full`) or in bench/, not here.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
  },
});
