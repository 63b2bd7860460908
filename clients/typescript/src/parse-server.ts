// Reads server messages from untrusted text: anything malformed gives null, never an exception. The same rules as
// the .NET PresenceProtocol.TryParseServerMessage and TryParseServerFrame, checked by the shared vectors.

import { isFiniteNumber, isObject, isText, parseJson } from "./json.js";
import type { PresenceUser, ServerMessage, SnapshotMessage } from "./server-messages.js";

function readUser(value: unknown): PresenceUser | null {
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

function readUsers(value: unknown): PresenceUser[] | null {
  if (!Array.isArray(value)) {
    return null;
  }
  const users: PresenceUser[] = [];
  for (const element of value) {
    const user = readUser(element);
    if (!user) {
      return null;
    }
    users.push(user);
  }
  return users;
}

function readServerMessage(data: unknown): ServerMessage | null {
  if (!isObject(data)) {
    return null;
  }
  switch (data.type) {
    case "snapshot": {
      const users = readUsers(data.users);
      if (!isText(data.selfId) || !isText(data.stateStore) || !users) {
        return null;
      }
      const snapshot: SnapshotMessage = { type: "snapshot", selfId: data.selfId, users, stateStore: data.stateStore };
      if (isText(data.resumeToken)) {
        snapshot.resumeToken = data.resumeToken;
      }
      return snapshot;
    }
    case "presence":
    case "cursor": {
      const user = readUser(data.user);
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

/** Parses one v1 server message. Null unless it is a known message with its required fields; unknown fields are skipped. */
export function parseServerMessage(raw: string): ServerMessage | null {
  return readServerMessage(parseJson(raw));
}

/**
 * Parses one server frame of either protocol: a v1 message (an object) or a v2 frame (an array of messages, in
 * order). Null when it is neither, or when any element is not a server message: a frame is taken whole or not at all.
 */
export function parseServerFrame(raw: string): ServerMessage[] | null {
  const data = parseJson(raw);
  if (!Array.isArray(data)) {
    const message = readServerMessage(data);
    return message ? [message] : null;
  }
  const messages: ServerMessage[] = [];
  for (const element of data) {
    const message = readServerMessage(element);
    if (!message) {
      return null;
    }
    messages.push(message);
  }
  return messages;
}
