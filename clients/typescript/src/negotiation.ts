// Protocol v2 (docs/protocol.md, "Protocol v2: batched ticks") is asked for with a WebSocket subprotocol. A server
// that does not offer it selects none and speaks v1, which a v2 reader reads the same: a lone object is a frame of one.

/** The WebSocket subprotocol of protocol v2: the server then sends each tick's events as one array. */
export const v2Protocol = "presence.v2";
