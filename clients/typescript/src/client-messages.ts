// The messages a client sends (docs/protocol.md, "Client to server").

import type { PresenceState } from "./json.js";

/** Sets the participant's name and colour; a field left out keeps its value. */
export type HelloMessage = { type: "hello"; name?: string; color?: string };

/** Moves the participant's cursor, in [0, 1]; a coordinate left out keeps its value. */
export type CursorMoveMessage = { type: "cursor"; x?: number; y?: number };

/** Merges into the participant's custom state: each key replaces the one it names, and `null` removes it. */
export type StateSetMessage = { type: "state"; set: PresenceState };

/** Replaces the participant's custom state as a whole; `{}` clears it. */
export type StateReplaceMessage = { type: "state"; replace: PresenceState };

export type ClientMessage = HelloMessage | CursorMoveMessage | StateSetMessage | StateReplaceMessage;
