// The connection's URL: the endpoint with the participant's identity in the query string (docs/protocol.md,
// "Connecting").

/** What a client asks for when it connects; a field left out is left to the server (an id, `Visitor`, the default room). */
export type ConnectionQuery = {
  id?: string;
  name?: string;
  color?: string;
  room?: string;
  /** The token of an earlier connection with this id, which lets this one take the id back while it is live. */
  resumeToken?: string;
};

/**
 * Builds the socket URL from an endpoint such as `wss://example.com/ws`. An http or https endpoint becomes ws or
 * wss, and a relative one is resolved against `base` (a page's origin). Throws on a URL that cannot be resolved.
 */
export function createWebSocketUrl(endpoint: string | URL, query: ConnectionQuery, base?: string | URL): string {
  const url = new URL(endpoint, base);
  if (url.protocol === "https:") {
    url.protocol = "wss:";
  } else if (url.protocol === "http:") {
    url.protocol = "ws:";
  }
  const parameters: [string, string | undefined][] = [
    ["id", query.id],
    ["name", query.name],
    ["color", query.color],
    ["room", query.room],
    ["resume", query.resumeToken],
  ];
  for (const [key, value] of parameters) {
    if (value) {
      url.searchParams.set(key, value);
    }
  }
  return url.toString();
}
