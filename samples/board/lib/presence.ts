// The Presence wire protocol v1 for the browser: types, parsing, the roster reducer and the socket URL.
// Kept apart from React so that it is unit-tested on its own, against the vectors the .NET tests also read.

/** An app-defined JSON object: a participant's own `state`, or the `info` only the server sets. */
export type PresenceState = Record<string, unknown>;

/** `state` and `info` are absent when empty, and a cursor message never carries them. */
export type PresenceUser = {
  id: string;
  name: string;
  color: string;
  x: number;
  y: number;
  updatedAt: number;
  state?: PresenceState;
  info?: PresenceState;
};

/** `resumeToken` proves this connection's claim to `selfId` on a later one; servers that issue none omit it. */
export type SnapshotMessage = { type: "snapshot"; selfId: string; users: PresenceUser[]; stateStore: string; resumeToken?: string };
export type PresenceMessage = { type: "presence"; user: PresenceUser };
export type CursorMessage = { type: "cursor"; user: PresenceUser };
export type LeaveMessage = { type: "leave"; id: string };
/** An application's event to the room, sent by server code; the roster ignores it. */
export type EventMessage = { type: "event"; name: string; data: PresenceState };
export type ServerMessage = SnapshotMessage | PresenceMessage | CursorMessage | LeaveMessage | EventMessage;

export type Roster = Record<string, PresenceUser>;

export const colors = ["#1e9df5", "#7b61ff", "#22c079", "#fb6e6e", "#f5a623", "#ff4fa3", "#14b8c4", "#5566ff"];
export const names = ["Mira", "Kai", "Rin", "Avery", "Noor", "Sol", "Ira", "Jules"];
export const sessionUserKey = "collab-session-user";
export const sessionTokenKey = "collab-session-resume";
export const sessionStatusKey = "collab-session-status";
export const maxNameLength = 28;
export const cursorSendIntervalMs = 80;

/** The WebSocket subprotocol of protocol v2: the server then sends each tick's events as one array. */
export const v2Protocol = "presence.v2";

/** The close code a server sends when a newer connection with the same id took this one's place. */
export const replacedCloseCode = 4000;

/** Close codes after which reconnecting as is would only be refused again: the app refused the join, or removed us. */
export const forbiddenCloseCode = 4003;
export const kickedCloseCode = 4004;

/** The statuses the board offers; the server carries any JSON, the board picks this one field. */
export const statuses = ["available", "busy", "away"] as const;
export type Status = (typeof statuses)[number];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.isWellFormed();
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function parseUser(value: unknown): PresenceUser | null {
  if (!isObject(value)) {
    return null;
  }
  const { id, name, color, x, y, updatedAt, state, info } = value;
  if (!isText(id) || !isText(name) || !isText(color) || !isFiniteNumber(x) || !isFiniteNumber(y) || !isFiniteNumber(updatedAt)) {
    return null;
  }
  // A state that is not an object reads as none, as in PresenceProtocol.ReadUser.
  const user: PresenceUser = { id, name, color, x, y, updatedAt };
  if (isObject(state)) {
    user.state = state;
  }
  if (isObject(info)) {
    user.info = info;
  }
  return user;
}

/**
 * Parses one server message. Anything that is not one of the four messages with its required fields gives null;
 * unknown fields are ignored. The same rules as the .NET PresenceProtocol.TryParseServerMessage.
 */
export function parseServerMessage(raw: string): ServerMessage | null {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(data)) {
    return null;
  }

  switch (data.type) {
    case "snapshot": {
      if (!isText(data.selfId) || !isText(data.stateStore) || !Array.isArray(data.users)) {
        return null;
      }
      const users = data.users.map(parseUser);
      if (users.some((user) => user === null)) {
        return null;
      }
      const snapshot: SnapshotMessage = { type: "snapshot", selfId: data.selfId, users: users as PresenceUser[], stateStore: data.stateStore };
      if (isText(data.resumeToken)) {
        snapshot.resumeToken = data.resumeToken;
      }
      return snapshot;
    }
    case "presence":
    case "cursor": {
      const user = parseUser(data.user);
      return user ? { type: data.type, user } : null;
    }
    case "leave":
      return isText(data.id) ? { type: "leave", id: data.id } : null;
    case "event":
      return isText(data.name) && isObject(data.data) ? { type: "event", name: data.name, data: data.data } : null;
    default:
      return null;
  }
}

/**
 * Parses one server frame of either protocol: a v1 message (an object) or a v2 frame (an array of messages, in
 * order). Null when it is neither or when any element is not a server message, as PresenceProtocol.TryParseServerFrame.
 */
export function parseServerFrame(raw: string): ServerMessage[] | null {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!Array.isArray(data)) {
    const message = parseServerMessage(raw);
    return message ? [message] : null;
  }
  const messages = data.map((element) => parseServerMessage(JSON.stringify(element)));
  return messages.every((message) => message !== null) ? (messages as ServerMessage[]) : null;
}

/**
 * Folds a server message into the roster: a snapshot replaces it, presence and cursor insert or replace their
 * user (a cursor keeps the state and info it does not carry), leave removes its user unless it is the receiver
 * itself, and an app event changes nothing.
 */
export function reducePresence(current: Roster, message: ServerMessage, selfId: string): Roster {
  switch (message.type) {
    case "snapshot":
      return Object.fromEntries(message.users.map((user) => [user.id, user]));
    case "presence":
      return { ...current, [message.user.id]: message.user };
    case "cursor": {
      const known = current[message.user.id];
      if (!known) {
        return { ...current, [message.user.id]: message.user };
      }
      const { state: _state, info: _info, ...moved } = message.user;
      const user: PresenceUser = moved;
      if (known.state) {
        user.state = known.state;
      }
      if (known.info) {
        user.info = known.info;
      }
      return { ...current, [user.id]: user };
    }
    case "event":
      return current;
    case "leave": {
      if (message.id === selfId || !(message.id in current)) {
        return current;
      }
      const next = { ...current };
      delete next[message.id];
      return next;
    }
  }
}

/** Builds the socket URL: same-origin "/server/ws" unless a base URL is given (NEXT_PUBLIC_WS_URL). */
export function createWebSocketUrl(
  user: Pick<PresenceUser, "id" | "name" | "color">,
  origin: string,
  baseUrl: string = "/server",
  room?: string,
  resumeToken?: string,
): string {
  const url = new URL(`${baseUrl.replace(/\/$/, "")}/ws`, origin);
  if (url.protocol === "https:") {
    url.protocol = "wss:";
  } else if (url.protocol === "http:") {
    url.protocol = "ws:";
  }
  url.searchParams.set("id", user.id);
  url.searchParams.set("name", user.name);
  url.searchParams.set("color", user.color);
  if (room) {
    url.searchParams.set("room", room);
  }
  if (resumeToken) {
    url.searchParams.set("resume", resumeToken);
  }
  return url.toString();
}

export function clamp(value: number): number {
  if (!Number.isFinite(value)) {
    return 0.5;
  }
  return Math.min(1, Math.max(0, value));
}

export function trimName(name: string): string {
  return name.slice(0, maxNameLength);
}

/** The reconnect delay after `attempt` failures: 800 ms growing by 1.6 up to 8 s, with ±20 % jitter. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(800 * 1.6 ** attempt, 8000);
  return Math.round(base * (0.8 + random() * 0.4));
}

/** The board's status of a participant: the `status` field of its state, when it is one the board knows. */
export function statusOf(user: PresenceUser): Status | undefined {
  const status = user.state?.status;
  return statuses.find((known) => known === status);
}

/** Orders the sidebar: self first, then the others by name. */
export function sortVisitors(users: Roster, selfId: string): PresenceUser[] {
  const self = users[selfId];
  const others = Object.values(users)
    .filter((user) => user.id !== selfId)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return self ? [self, ...others] : others;
}
