import { type PresenceUser, createWebSocketUrl, parseServerMessage, reducePresence } from "@presence/client";
import { describe, expect, it } from "vitest";
import { boardEndpoint, connectionStateOf } from "@/lib/connection";

// The board takes its protocol from the npm client, as installed (a link to its build): the URLs it connects to and
// the roster it shows must be what they were when the board had its own copy.
describe("the board's socket URL", () => {
  const self = { id: "6f1c", name: "Mira Sol", color: "#1e9df5" };
  const url = (origin: string, base?: string, room?: string, resumeToken?: string) =>
    createWebSocketUrl(boardEndpoint(origin, base), { ...self, room, resumeToken });

  it("defaults to the same origin's /server/ws", () => {
    expect(url("http://localhost:3000")).toBe("ws://localhost:3000/server/ws?id=6f1c&name=Mira+Sol&color=%231e9df5");
  });

  it("uses wss on an https page, and carries the room and resume token", () => {
    expect(url("https://board.example")).toMatch(/^wss:\/\/board\.example\/server\/ws\?/);
    expect(url("http://localhost:3000", "/server", "alpha", "tok_en-1")).toBe(
      "ws://localhost:3000/server/ws?id=6f1c&name=Mira+Sol&color=%231e9df5&room=alpha&resume=tok_en-1",
    );
  });

  it("honours a base URL such as NEXT_PUBLIC_WS_URL, with or without a trailing slash", () => {
    expect(url("http://localhost:3000", "ws://127.0.0.1:5099/")).toMatch(/^ws:\/\/127\.0\.0\.1:5099\/ws\?id=6f1c/);
    expect(url("http://localhost:3000", "http://127.0.0.1:5099")).toMatch(/^ws:\/\/127\.0\.0\.1:5099\/ws\?/);
  });
});

describe("the status badge", () => {
  it("shows closed while a reconnect waits, and removed after a refusal or a kick", () => {
    expect(connectionStateOf("connecting", undefined)).toBe("connecting");
    expect(connectionStateOf("open", undefined)).toBe("open");
    expect(connectionStateOf("reconnecting", { code: 1006, reason: "" })).toBe("closed");
    expect(connectionStateOf("closed", undefined)).toBe("closed");
    expect(connectionStateOf("closed", { code: 4003, reason: "no" })).toBe("removed");
    expect(connectionStateOf("closed", { code: 4004, reason: "" })).toBe("removed");
  });
});

describe("the roster", () => {
  it("keeps a visitor's status through its cursor moves", () => {
    const b: PresenceUser = { id: "b", name: "B", color: "#7b61ff", x: 0.5, y: 0.5, updatedAt: 1 };
    const joined = parseServerMessage(JSON.stringify({ type: "presence", user: { ...b, state: { status: "busy" } } }));
    const moved = parseServerMessage(JSON.stringify({ type: "cursor", user: { ...b, x: 0.2 } }));
    const roster = [joined!, moved!].reduce((current, message) => reducePresence(current, message, "a"), {});
    expect(roster).toEqual({ b: { ...b, x: 0.2, state: { status: "busy" } } });
  });
});
