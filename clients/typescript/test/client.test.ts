import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ConnectionStatus,
  PresenceClient,
  type PresenceClientOptions,
  type PresenceUser,
  type Roster,
  type SnapshotMessage,
  v2Protocol,
} from "../src/index.js";
import { fakeWebSocket } from "./fake-socket.js";

const user = (id: string, name = id.toUpperCase()): PresenceUser => ({ id, name, color: "#1e9df5", x: 0.5, y: 0.5, updatedAt: 1 });
const snapshot = (selfId: string, users: PresenceUser[], resumeToken?: string): SnapshotMessage => ({
  type: "snapshot",
  selfId,
  users,
  stateStore: "memory",
  ...(resumeToken ? { resumeToken } : {}),
});

// The middle of the jitter: each wait is half its ceiling, so that the tests can name it.
const half = () => 0.5;

function start(options: Partial<PresenceClientOptions> = {}) {
  const fake = fakeWebSocket();
  const client = new PresenceClient({
    url: "ws://presence.test/ws",
    id: "a",
    name: "Mira",
    color: "#1e9df5",
    WebSocket: fake.WebSocket,
    random: half,
    ...options,
  });
  const statuses: ConnectionStatus[] = [];
  const closes: (number | undefined)[] = [];
  client.on("status", (status, close) => {
    statuses.push(status);
    closes.push(close?.code);
  });
  client.connect();
  return { client, statuses, closes, ...fake };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("connecting", () => {
  it("asks for the participant's identity and room in the URL, and offers protocol v2", () => {
    const { last, statuses } = start({ room: "design", resumeToken: "tok_1" });
    const socket = last();
    expect(socket.url.origin + socket.url.pathname).toBe("ws://presence.test/ws");
    expect(Object.fromEntries(socket.url.searchParams)).toEqual({ id: "a", name: "Mira", color: "#1e9df5", room: "design", resume: "tok_1" });
    expect(socket.protocols).toEqual([v2Protocol]);
    expect(statuses).toEqual(["connecting"]);
    socket.open();
    expect(statuses).toEqual(["connecting", "open"]);
  });

  it("turns an http endpoint into ws, and needs a WebSocket implementation", () => {
    const { last } = start({ url: "https://presence.test/server/ws" });
    expect(last().url.protocol).toBe("wss:");
    expect(() => new PresenceClient({ url: "ws://presence.test/ws", WebSocket: undefined })).toThrow(/WebSocket/);
  });

  it("says hello on open only when the profile changed while connecting", () => {
    const { client, last } = start();
    last().open();
    expect(last().messages).toEqual([]);

    client.close();
    client.connect();
    client.hello("Kai", "#7b61ff");
    last().open();
    expect(last().messages).toEqual([{ type: "hello", name: "Kai", color: "#7b61ff" }]);
  });

  it("states the custom state it starts with on every connection", () => {
    const { last } = start({ state: { status: "busy" } });
    last().open();
    expect(last().messages).toEqual([{ type: "state", replace: { status: "busy" } }]);
  });
});

describe("the roster", () => {
  it("follows snapshots and v2 frames, once per frame, and hands app events over", () => {
    const { client, last } = start();
    const rosters: Roster[] = [];
    const events: string[] = [];
    client.on("roster", (roster) => rosters.push(roster));
    client.on("event", (event) => events.push(event.name));
    last().open();

    last().receive(snapshot("a", [user("a"), user("b")]));
    last().receive(
      { type: "cursor", user: { ...user("b"), x: 0.25 } },
      { type: "event", name: "comment-added", data: { by: "b" } },
      { type: "presence", user: user("c") },
    );
    last().receive({ type: "event", name: "ping", data: {} });

    expect(rosters).toHaveLength(2);
    expect(Object.keys(client.roster)).toEqual(["a", "b", "c"]);
    expect(client.roster.b?.x).toBe(0.25);
    expect(events).toEqual(["comment-added", "ping"]);
  });

  it("ignores binary data and frames that are not the protocol's", () => {
    const { client, last } = start();
    const rosters: Roster[] = [];
    client.on("roster", (roster) => rosters.push(roster));
    last().open();
    last().receiveRaw(new Uint8Array([123, 125]));
    last().receiveRaw("not json");
    last().receiveRaw('[{"type":"leave","id":"b"},{"type":"nope"}]');
    expect(rosters).toEqual([]);
  });

  it("takes the id the server gave and its resume token, and asks for both on the next connection", () => {
    const { client, last } = start();
    const ids: string[] = [];
    const tokens: string[] = [];
    client.on("selfId", (id) => ids.push(id));
    client.on("resumeToken", (token) => tokens.push(token));
    last().open();

    last().receive(snapshot("user-0123", [user("user-0123"), user("a")], "tok_2"));
    expect(ids).toEqual(["user-0123"]);
    expect(tokens).toEqual(["tok_2"]);
    expect(client.selfId).toBe("user-0123");
    // The receiver's own leave never removes it: the id in use is the one the server gave.
    last().receive({ type: "leave", id: "user-0123" });
    expect(Object.keys(client.roster)).toEqual(["user-0123", "a"]);

    last().drop(1001);
    vi.runOnlyPendingTimers();
    expect(last().url.searchParams.get("id")).toBe("user-0123");
    expect(last().url.searchParams.get("resume")).toBe("tok_2");
  });

  it("keeps the last resume token when a snapshot brings none", () => {
    const { client, last } = start({ resumeToken: "tok_1" });
    last().open();
    last().receive(snapshot("a", [user("a")]));
    expect(client.resumeToken).toBe("tok_1");
  });
});

describe("reconnecting", () => {
  it("backs off exponentially with full jitter, up to the cap, and starts over after a join", () => {
    const { sockets, last, statuses, closes } = start({ backoff: { baseMs: 100, factor: 2, capMs: 500 } });
    const waits: number[] = [];
    for (let failures = 0; failures < 5; failures++) {
      const count = sockets.length;
      last().drop(1006);
      const wait = vi.getTimerCount() === 1 ? timeUntilNextSocket(count) : Number.NaN;
      waits.push(wait);
    }
    // Ceilings 100, 200, 400, 500, 500, and half of each with this jitter.
    expect(waits).toEqual([50, 100, 200, 250, 250]);
    expect(statuses.slice(0, 3)).toEqual(["connecting", "reconnecting", "connecting"]);
    expect(closes[1]).toBe(1006);

    last().open();
    last().receive(snapshot("a", [user("a")]));
    const count = sockets.length;
    last().drop(1001);
    expect(timeUntilNextSocket(count)).toBe(50);

    function timeUntilNextSocket(before: number): number {
      let waited = 0;
      while (sockets.length === before && waited < 10_000) {
        vi.advanceTimersByTime(1);
        waited += 1;
      }
      return waited;
    }
  });

  it("does not start the back-off over on an open that brings no snapshot", () => {
    const { last } = start({ backoff: { baseMs: 100, factor: 2, capMs: 10_000 } });
    last().drop();
    vi.advanceTimersByTime(50);
    // A full room accepts the upgrade and closes at once: the waits keep growing.
    last().open();
    last().drop(4005);
    vi.advanceTimersByTime(99);
    const before = last();
    vi.advanceTimersByTime(1);
    expect(last()).not.toBe(before);
  });

  it("draws each wait between zero and its ceiling", () => {
    for (const [random, wait] of [
      [0, 0],
      [0.999999, 800],
    ] as const) {
      const { sockets, last } = start({ random: () => random });
      last().drop();
      vi.advanceTimersByTime(Math.max(0, wait - 1));
      expect(sockets).toHaveLength(wait === 0 ? 2 : 1);
      vi.advanceTimersByTime(1);
      expect(sockets).toHaveLength(2);
    }
  });

  it("gives up after the most attempts allowed, and leaves no timer behind", () => {
    const { sockets, last, statuses, closes } = start({ backoff: { maxAttempts: 2 } });
    last().drop();
    vi.runOnlyPendingTimers();
    last().drop();
    vi.runOnlyPendingTimers();
    last().drop(1011);
    expect(sockets).toHaveLength(3);
    expect(statuses.at(-1)).toBe("closed");
    expect(closes.at(-1)).toBe(1011);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    [4003, "refused"],
    [4004, "kicked"],
  ])("stops for good on %i (%s)", (code) => {
    const { client, sockets, last, statuses, closes } = start();
    last().open();
    last().drop(code, "no");
    expect(statuses).toEqual(["connecting", "open", "closed"]);
    expect(closes.at(-1)).toBe(code);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.status).toBe("closed");
  });

  it("stops on 4000 when the id belongs to another connection now", () => {
    const { sockets, last, statuses } = start();
    last().open();
    last().drop(4000);
    expect(statuses.at(-1)).toBe("closed");
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it("carries on as a new participant after 4000 when it can make a new id", () => {
    const { client, last } = start({ resumeToken: "tok_1", newId: () => "fresh" });
    const ids: string[] = [];
    client.on("selfId", (id) => ids.push(id));
    last().open();
    last().drop(4000);
    expect(ids).toEqual(["fresh"]);
    vi.runOnlyPendingTimers();
    expect(last().url.searchParams.get("id")).toBe("fresh");
    expect(last().url.searchParams.has("resume")).toBe(false);
  });

  it("states the custom state again on each new connection, as merged so far", () => {
    const { client, last } = start();
    last().open();
    client.setState({ status: "busy", selection: ["card-3"] });
    client.setState({ selection: null });
    expect(last().messages).toEqual([
      { type: "state", set: { status: "busy", selection: ["card-3"] } },
      { type: "state", set: { selection: null } },
    ]);

    last().drop(1001);
    vi.runOnlyPendingTimers();
    last().open();
    expect(last().messages).toEqual([{ type: "state", replace: { status: "busy" } }]);

    client.replaceState({});
    last().drop(1001);
    vi.runOnlyPendingTimers();
    last().open();
    expect(last().messages).toEqual([{ type: "state", replace: {} }]);
  });

  it("keeps state and profile changes made while disconnected for the next connection", () => {
    const { client, last } = start();
    last().drop();
    client.setState({ status: "away" });
    client.hello("Kai", "#7b61ff");
    vi.runOnlyPendingTimers();
    expect(last().url.searchParams.get("name")).toBe("Kai");
    last().open();
    expect(last().messages).toEqual([{ type: "state", replace: { status: "away" } }]);
  });
});

describe("close", () => {
  it("closes the socket and clears the reconnect timer", () => {
    const { client, sockets, last, statuses } = start();
    last().drop();
    expect(vi.getTimerCount()).toBe(1);
    client.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(statuses.at(-1)).toBe("closed");
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it("closes an open socket with 1000 and ignores what it still delivers", () => {
    const { client, last, statuses } = start();
    const rosters: Roster[] = [];
    client.on("roster", (roster) => rosters.push(roster));
    const socket = last();
    socket.open();
    client.moveCursor(0.1, 0.1);
    client.moveCursor(0.2, 0.2);
    client.close();
    expect(socket.closedWith?.code).toBe(1000);
    expect(vi.getTimerCount()).toBe(0);
    socket.receive(snapshot("a", [user("a")]));
    socket.drop(1006);
    expect(rosters).toEqual([]);
    expect(statuses).toEqual(["connecting", "open", "closed"]);
  });

  it("can connect again afterwards", () => {
    const { client, sockets } = start();
    client.close();
    client.connect();
    expect(sockets).toHaveLength(2);
    expect(client.status).toBe("connecting");
  });
});

describe("cursor updates", () => {
  it("sends at most one per interval, always the latest, clamped to the unit square", () => {
    const { client, last } = start({ cursorIntervalMs: 80 });
    last().open();
    client.moveCursor(0.1, 0.2);
    client.moveCursor(0.3, 0.4);
    client.moveCursor(1.5, -2);
    client.moveCursor(Number.NaN, 0.5);
    expect(last().messages).toEqual([{ type: "cursor", x: 0.1, y: 0.2 }]);
    vi.advanceTimersByTime(79);
    expect(last().messages).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(last().messages).toEqual([
      { type: "cursor", x: 0.1, y: 0.2 },
      { type: "cursor", x: 1, y: 0 },
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends the latest position held while disconnected once a socket opens", () => {
    const { client, last } = start();
    client.moveCursor(0.7, 0.3);
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().messages).toEqual([{ type: "cursor", x: 0.7, y: 0.3 }]);
  });
});

describe("listeners", () => {
  it("all hear an update even when one throws, and the error is not lost", async () => {
    const { client, last } = start();
    const heard: string[] = [];
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on("uncaughtException", onError);
    try {
      client.on("roster", () => {
        throw new Error("the app's mistake");
      });
      const off = client.on("roster", () => heard.push("second"));
      last().open();
      last().receive(snapshot("a", [user("a")]));
      off();
      last().receive({ type: "presence", user: user("b") });
      await vi.waitFor(() => expect(errors).toHaveLength(2), { timeout: 1000 });
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(heard).toEqual(["second"]);
    expect(client.status).toBe("open");
  });
});
