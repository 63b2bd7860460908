import { describe, expect, it } from "vitest";
import { defaultBackoff, reconnectDelay } from "../src/index.js";

describe("reconnectDelay", () => {
  it("has a ceiling growing by 1.6 from 800 ms up to 8 s by default", () => {
    const top = () => 1;
    expect([0, 1, 2, 5, 6, 20].map((attempt) => reconnectDelay(attempt, defaultBackoff, top))).toEqual([800, 1280, 2048, 8000, 8000, 8000]);
  });

  it("draws the wait uniformly between zero and the ceiling (full jitter)", () => {
    expect(reconnectDelay(0, defaultBackoff, () => 0)).toBe(0);
    expect(reconnectDelay(0, defaultBackoff, () => 0.5)).toBe(400);
    expect(reconnectDelay(10, defaultBackoff, () => 0.25)).toBe(2000);
    const waits = Array.from({ length: 1000 }, () => reconnectDelay(3));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(Math.round(800 * 1.6 ** 3));
    expect(new Set(waits).size).toBeGreaterThan(100);
  });

  it("takes its own base, factor and cap, and the defaults for what it leaves out", () => {
    const top = () => 1;
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, { baseMs: 100, factor: 3, capMs: 1000 }, top))).toEqual([100, 300, 900, 1000]);
    expect(reconnectDelay(1, { capMs: 1000 }, top)).toBe(1000);
    expect(reconnectDelay(0, { baseMs: undefined }, top)).toBe(800);
  });
});
