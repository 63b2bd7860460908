import { describe, expect, it } from "vitest";
import {
  type PresenceUser,
  type ServerMessage,
  createWebSocketUrl,
  encodeClientMessage,
  encodeServerFrame,
  encodeServerMessage,
  mergeState,
  parseClientMessage,
  parseServerFrame,
  parseServerMessage,
  reducePresence,
} from "../src/index.js";

const user = (id: string): PresenceUser => ({ id, name: id.toUpperCase(), color: "#1e9df5", x: 0.5, y: 0.5, updatedAt: 1 });

describe("client messages", () => {
  it("are written with their fields in the documented order, leaving out what is undefined", () => {
    expect(encodeClientMessage({ type: "hello", name: "Mira", color: "#1e9df5" })).toBe('{"type":"hello","name":"Mira","color":"#1e9df5"}');
    expect(encodeClientMessage({ type: "hello", color: "#1e9df5" })).toBe('{"type":"hello","color":"#1e9df5"}');
    expect(encodeClientMessage({ type: "cursor", x: 0.25, y: 0.75 })).toBe('{"type":"cursor","x":0.25,"y":0.75}');
    expect(encodeClientMessage({ type: "state", set: { status: "busy", pick: null } })).toBe('{"type":"state","set":{"status":"busy","pick":null}}');
    expect(encodeClientMessage({ type: "state", replace: {} })).toBe('{"type":"state","replace":{}}');
  });

  it("are read as the server reads them: a field of the wrong type is absent, and the message still counts", () => {
    expect(parseClientMessage('{"type":"hello","name":7,"color":"#7b61ff","extra":1}')).toEqual({ type: "hello", color: "#7b61ff" });
    expect(parseClientMessage('{"type":"cursor","x":"0.5","y":1e400}')).toEqual({ type: "cursor" });
    expect(parseClientMessage('{"y":0.5,"type":"cursor","x":0.25}')).toEqual({ type: "cursor", x: 0.25, y: 0.5 });
  });

  it("take replace over set, and need an object for either", () => {
    expect(parseClientMessage('{"type":"state","set":{"a":1},"replace":{"b":2}}')).toEqual({ type: "state", replace: { b: 2 } });
    expect(parseClientMessage('{"type":"state","set":{"a":1}}')).toEqual({ type: "state", set: { a: 1 } });
    for (const raw of ['{"type":"state","set":[1]}', '{"type":"state","replace":null}', '{"type":"state"}']) {
      expect(parseClientMessage(raw)).toBeNull();
    }
  });

  it("give null, never an exception, for anything else", () => {
    for (const raw of ["", "nope", "[]", "null", '"hello"', '{"type":"HELLO"}', '{"type":1}', '{"type":"snapshot"}', '{"type":"cursor"} {}']) {
      expect(parseClientMessage(raw)).toBeNull();
    }
  });

  it("round-trip", () => {
    for (const message of [
      { type: "hello", name: "Ünïcødé 👋", color: "#ABCDEF" },
      { type: "cursor", x: 0, y: 1 },
      { type: "state", set: { nested: { deep: [1, "two", { three: true }] } } },
    ] as const) {
      expect(parseClientMessage(encodeClientMessage(message))).toEqual(message);
    }
  });
});

describe("server messages", () => {
  it("round-trip, alone and as a v2 frame", () => {
    const messages: ServerMessage[] = [
      { type: "snapshot", selfId: "a", users: [{ ...user("a"), state: { status: "busy" }, info: { role: "owner" } }], stateStore: "memory", resumeToken: "t" },
      { type: "cursor", user: user("b") },
      { type: "event", name: "comment-added", data: { by: "b" } },
      { type: "leave", id: "b" },
    ];
    for (const message of messages) {
      expect(parseServerMessage(encodeServerMessage(message))).toEqual(message);
    }
    expect(parseServerFrame(encodeServerFrame(messages))).toEqual(messages);
  });

  it("skip a user's state or info that is not an object", () => {
    const raw = JSON.stringify({ type: "presence", user: { ...user("a"), state: [1], info: "x" } });
    expect(parseServerMessage(raw)).toEqual({ type: "presence", user: user("a") });
  });
});

describe("reducePresence", () => {
  it("keeps the roster itself when a leave or an event changes nothing", () => {
    const roster = { a: user("a") };
    expect(reducePresence(roster, { type: "leave", id: "zz" }, "a")).toBe(roster);
    expect(reducePresence(roster, { type: "leave", id: "a" }, "a")).toBe(roster);
    expect(reducePresence(roster, { type: "event", name: "e", data: {} }, "a")).toBe(roster);
  });

  it("keeps state and info across cursor updates", () => {
    const roster = { b: { ...user("b"), state: { status: "away" }, info: { role: "viewer" } } };
    const moved = reducePresence(roster, { type: "cursor", user: { ...user("b"), x: 0.9 } }, "a");
    expect(moved.b).toEqual({ ...user("b"), x: 0.9, state: { status: "away" }, info: { role: "viewer" } });
  });
});

describe("mergeState", () => {
  it("replaces the keys it names, removes those set to null, and keeps the order keys were first set in", () => {
    const merged = mergeState({ a: 1, b: 2, c: 3 }, { b: null, a: 9, d: 4 });
    expect(merged).toEqual({ a: 9, c: 3, d: 4 });
    expect(Object.keys(merged)).toEqual(["a", "c", "d"]);
  });

  it("takes a key named __proto__ as data", () => {
    const merged = mergeState({}, JSON.parse('{"__proto__":{"polluted":true}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(["__proto__"]);
  });
});

describe("createWebSocketUrl", () => {
  const self = { id: "6f1c", name: "Mira Sol", color: "#1e9df5" };

  it("puts the identity, room and resume token in the query string", () => {
    expect(createWebSocketUrl("ws://localhost:3000/server/ws", { ...self, room: "alpha", resumeToken: "tok_en-1" })).toBe(
      "ws://localhost:3000/server/ws?id=6f1c&name=Mira+Sol&color=%231e9df5&room=alpha&resume=tok_en-1",
    );
  });

  it("leaves out what is not given", () => {
    expect(createWebSocketUrl("ws://localhost:3000/ws", { name: "Kai" })).toBe("ws://localhost:3000/ws?name=Kai");
  });

  it("turns http into ws and https into wss, and resolves a relative endpoint against a base", () => {
    expect(createWebSocketUrl("http://127.0.0.1:5099/ws", self)).toMatch(/^ws:\/\/127\.0\.0\.1:5099\/ws\?id=6f1c/);
    expect(createWebSocketUrl("/server/ws", self, "https://board.example/page?room=x")).toMatch(/^wss:\/\/board\.example\/server\/ws\?/);
    expect(() => createWebSocketUrl("/server/ws", self)).toThrow();
  });
});
