// The public surface of @presence/client.

export type { PresenceState } from "./json.js";
export type { CursorMessage, EventMessage, LeaveMessage, PresenceMessage, PresenceUser, ServerMessage, SnapshotMessage } from "./server-messages.js";
export type { ClientMessage, CursorMoveMessage, HelloMessage, StateReplaceMessage, StateSetMessage } from "./client-messages.js";
export { parseServerFrame, parseServerMessage } from "./parse-server.js";
export { parseClientMessage } from "./parse-client.js";
export { encodeClientMessage, encodeServerFrame, encodeServerMessage } from "./encode.js";
export { type Roster, reducePresence } from "./reducer.js";
export { mergeState } from "./state.js";
export { type ConnectionQuery, createWebSocketUrl } from "./url.js";
export { v2Protocol } from "./negotiation.js";
export { closeCodes, isFinalCloseCode } from "./close-codes.js";
export { type BackoffOptions, defaultBackoff, reconnectDelay } from "./backoff.js";
export type { SocketCloseEvent, SocketMessageEvent, WebSocketConstructor, WebSocketLike } from "./socket.js";
export {
  type CloseInfo,
  type ConnectionStatus,
  PresenceClient,
  type PresenceClientEvents,
  type PresenceClientOptions,
} from "./client.js";
