import { describe, expect, it } from "vitest";
import {
  clamp,
  createWebSocketUrl,
  maxNameLength,
  reconnectDelay,
  reducePresence,
  sortVisitors,
  statusOf,
  trimName,
  type PresenceUser,
} from "@/lib/presence";

const user = (id: string, name: string): PresenceUser => ({ id, name, color: "#1e9df5", x: 0.5, y: 0.5, updatedAt: 1 });

describe("createWebSocketUrl", () => {
  const self = { id: "6f1c", name: "Mira Sol", color: "#1e9df5" };

  it("defaults to the same origin's /server/ws", () => {
    expect(createWebSocketUrl(self, "http://localhost:3000")).toBe("ws://localhost:3000/server/ws?id=6f1c&name=Mira+Sol&color=%231e9df5");
  });

  it("uses wss on an https page", () => {
    expect(createWebSocketUrl(self, "https://board.example")).toMatch(/^wss:\/\/board\.example\/server\/ws\?/);
    expect(createWebSocketUrl(self, "http://localhost:3000", "/server", "alpha", "tok_en-1")).toBe(
      "ws://localhost:3000/server/ws?id=6f1c&name=Mira+Sol&color=%231e9df5&room=alpha&resume=tok_en-1",
    );
  });

  it("honours a base URL such as NEXT_PUBLIC_WS_URL, with or without a trailing slash", () => {
    expect(createWebSocketUrl(self, "http://localhost:3000", "ws://127.0.0.1:5099/")).toMatch(/^ws:\/\/127\.0\.0\.1:5099\/ws\?id=6f1c/);
    expect(createWebSocketUrl(self, "http://localhost:3000", "http://127.0.0.1:5099")).toMatch(/^ws:\/\/127\.0\.0\.1:5099\/ws\?/);
  });

  it("adds the room when there is one", () => {
    expect(createWebSocketUrl(self, "http://localhost:3000", "/server", "design")).toMatch(/&room=design$/);
  });
});

describe("reconnectDelay", () => {
  it("grows by 1.6 from 800 ms and caps at 8 s", () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 5, 6, 20].map((attempt) => reconnectDelay(attempt, middle))).toEqual([800, 1280, 2048, 8000, 8000, 8000]);
  });

  it("adds jitter of at most 20 % either way", () => {
    expect(reconnectDelay(0, () => 0)).toBe(640);
    expect(reconnectDelay(0, () => 0.999999)).toBe(960);
    expect(reconnectDelay(10, () => 0)).toBe(6400);
  });
});

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

  it("keeps the roster itself when a leave changes nothing", () => {
    const roster = { a: user("a", "A") };
    expect(reducePresence(roster, { type: "leave", id: "zz" }, "a")).toBe(roster);
    expect(reducePresence(roster, { type: "leave", id: "a" }, "a")).toBe(roster);
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
