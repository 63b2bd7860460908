// Writes messages as the protocol spells them: one JSON object per v1 message, one array per v2 frame. Fields are
// written in the documented order, and a field left undefined is left out.

import type { ClientMessage } from "./client-messages.js";
import type { ServerMessage } from "./server-messages.js";

export function encodeClientMessage(message: ClientMessage): string {
  switch (message.type) {
    case "hello":
      return JSON.stringify({ type: "hello", name: message.name, color: message.color });
    case "cursor":
      return JSON.stringify({ type: "cursor", x: message.x, y: message.y });
    case "state":
      return "replace" in message
        ? JSON.stringify({ type: "state", replace: message.replace })
        : JSON.stringify({ type: "state", set: message.set });
  }
}

export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/** A v2 frame: the messages of one tick, in order. */
export function encodeServerFrame(messages: readonly ServerMessage[]): string {
  return JSON.stringify(messages);
}
