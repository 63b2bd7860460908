// The client's own copy of its custom state, kept so that every new connection can state it again: the server
// forgets a participant's state with its last connection.

import type { PresenceState } from "./json.js";

/** Merges as the server does: each top-level key replaces the one it names, and a `null` value removes its key. */
export function mergeState(current: PresenceState, set: PresenceState): PresenceState {
  // A map keeps each key where it was first set, as the server does, and takes a key such as "__proto__" as data.
  const merged = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(set)) {
    if (value === null) {
      merged.delete(key);
    } else {
      merged.set(key, value);
    }
  }
  return Object.fromEntries(merged);
}
