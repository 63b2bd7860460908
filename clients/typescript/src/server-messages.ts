// The messages a Presence server sends (docs/protocol.md, "Server to client").

import type { PresenceState } from "./json.js";

/** A participant. `state` and `info` are absent when empty, and a cursor message never carries them. */
export type PresenceUser = {
  id: string;
  name: string;
  color: string;
  /** In [0, 1]. */
  x: number;
  /** In [0, 1]. */
  y: number;
  /** Unix time in seconds, with millisecond precision. */
  updatedAt: number;
  /** The participant's own custom state, as its client set it. */
  state?: PresenceState;
  /** What the server says of the participant; no client can change it. */
  info?: PresenceState;
};

/**
 * Always the first message on a connection: the whole room, the receiver included. `resumeToken` proves this
 * connection's claim to `selfId` on a later one; servers that issue none omit it.
 */
export type SnapshotMessage = { type: "snapshot"; selfId: string; users: PresenceUser[]; stateStore: string; resumeToken?: string };

/** A participant joined, said hello, or changed its state or info. */
export type PresenceMessage = { type: "presence"; user: PresenceUser };

/** A participant moved. Its user carries neither `state` nor `info`. */
export type CursorMessage = { type: "cursor"; user: PresenceUser };

export type LeaveMessage = { type: "leave"; id: string };

/** An application's event to the room, sent by server code; a roster ignores it. */
export type EventMessage = { type: "event"; name: string; data: PresenceState };

export type ServerMessage = SnapshotMessage | PresenceMessage | CursorMessage | LeaveMessage | EventMessage;
