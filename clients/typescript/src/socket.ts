// What the client needs of a WebSocket, so that any implementation fits: the browser's, Node's own (Node 22 and
// later), or the `ws` package's.

/** The socket's `readyState` once it is open, the same in every implementation. */
export const socketOpen = 1;

export type SocketMessageEvent = { readonly data: unknown };
export type SocketCloseEvent = { readonly code: number; readonly reason: string };

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: SocketMessageEvent) => void): void;
  addEventListener(type: "close", listener: (event: SocketCloseEvent) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;
