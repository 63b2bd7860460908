// Reads client messages from untrusted text, for servers, relays and test doubles written in TypeScript. The rules
// are the server's (docs/protocol.md): a hello or cursor field of the wrong type counts as absent and the message
// still takes effect; a state message needs an object, and `replace` wins over `set`.

import { isFiniteNumber, isObject, isText, parseJson } from "./json.js";
import type { ClientMessage, CursorMoveMessage, HelloMessage } from "./client-messages.js";

/** Parses one client message, or gives null for anything the server would ignore. */
export function parseClientMessage(raw: string): ClientMessage | null {
  const data = parseJson(raw);
  if (!isObject(data)) {
    return null;
  }
  switch (data.type) {
    case "hello": {
      const hello: HelloMessage = { type: "hello" };
      if (isText(data.name)) {
        hello.name = data.name;
      }
      if (isText(data.color)) {
        hello.color = data.color;
      }
      return hello;
    }
    case "cursor": {
      const cursor: CursorMoveMessage = { type: "cursor" };
      if (isFiniteNumber(data.x)) {
        cursor.x = data.x;
      }
      if (isFiniteNumber(data.y)) {
        cursor.y = data.y;
      }
      return cursor;
    }
    case "state":
      if (isObject(data.replace)) {
        return { type: "state", replace: data.replace };
      }
      return isObject(data.set) ? { type: "state", set: data.set } : null;
    default:
      return null;
  }
}
