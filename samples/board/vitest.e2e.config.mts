import { defineConfig } from "vitest/config";

// Browser tests: the real sample server and Debian's headless Chromium, one file at a time.
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
