// The roster a client keeps, as a pure function of the messages it received: the twin of the .NET
// PresenceReducer.Reduce, checked against the same sequence vectors.

import type { PresenceUser, ServerMessage } from "./server-messages.js";

/** The participants of a room by id, the receiver included. */
export type Roster = Readonly<Record<string, PresenceUser>>;

/**
 * Folds a server message into the roster: a snapshot replaces it, presence and cursor insert or replace their
 * user (a cursor keeps the state and info it does not carry), leave removes its user unless it is the receiver
 * itself, and an app event changes nothing. A message that changes nothing gives back the same roster object.
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
