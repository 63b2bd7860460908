// How the board reaches the server and what its status badge says; the connection itself is the npm client's.

import { type CloseInfo, type ConnectionStatus, isFinalCloseCode } from "@presence/client";

/** "removed": the server refused this tab or removed it (4003, 4004), so the board does not reconnect on its own. */
export type ConnectionState = "connecting" | "open" | "closed" | "removed";

/** The socket's endpoint: same-origin "/server/ws" unless a base URL is given (NEXT_PUBLIC_WS_URL). */
export function boardEndpoint(origin: string, baseUrl: string = "/server"): string {
  return new URL(`${baseUrl.replace(/\/$/, "")}/ws`, origin).toString();
}

/** The badge: a tab waiting to reconnect shows "closed" until its next attempt starts. */
export function connectionStateOf(status: ConnectionStatus, close: CloseInfo | undefined): ConnectionState {
  switch (status) {
    case "connecting":
    case "open":
      return status;
    case "reconnecting":
      return "closed";
    case "closed":
      return close && isFinalCloseCode(close.code) ? "removed" : "closed";
  }
}
