import { defineConfig } from "vitest/config";

// The integration test builds and packs the package, installs it elsewhere and starts the real sample server:
// on a small machine that takes minutes, hence the long hooks.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
