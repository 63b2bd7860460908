import type { PresenceUser } from "@presence/client";
import { describe, expect, it } from "vitest";
import { clamp, maxNameLength, sortVisitors, statusOf, trimName } from "@/lib/board";

const user = (id: string, name: string): PresenceUser => ({ id, name, color: "#1e9df5", x: 0.5, y: 0.5, updatedAt: 1 });

describe("sortVisitors", () => {
  it("puts self first, then the others by name", () => {
    const roster = { c: user("c", "Noor"), a: user("a", "Zed"), b: user("b", "Avery") };
    expect(sortVisitors(roster, "a").map((u) => u.id)).toEqual(["a", "b", "c"]);
  });
});

describe("rules", () => {
  it("clamps to the unit range and maps non-finite values to the centre", () => {
    expect([-1, 0.3, 2, Number.NaN, Number.POSITIVE_INFINITY].map(clamp)).toEqual([0, 0.3, 1, 0.5, 0.5]);
  });

  it("trims names to 28 characters", () => {
    expect(trimName("x".repeat(40))).toHaveLength(maxNameLength);
  });
});

describe("statusOf", () => {
  it("reads the status field of a participant's state, when the board knows it", () => {
    expect(statusOf({ ...user("a", "A"), state: { status: "busy", other: 1 } })).toBe("busy");
    expect(statusOf({ ...user("a", "A"), state: { status: "on fire" } })).toBeUndefined();
    expect(statusOf({ ...user("a", "A"), state: { status: 3 } })).toBeUndefined();
    expect(statusOf(user("a", "A"))).toBeUndefined();
  });
});
