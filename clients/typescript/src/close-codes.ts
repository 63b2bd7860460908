// The close codes a Presence server ends a connection with, and which of them a client must not answer by
// reconnecting (docs/protocol.md, "Close codes").

export const closeCodes = {
  /** In answer to the client's own close. */
  normal: 1000,
  /** The server is shutting down: reconnect with back-off. */
  goingAway: 1001,
  /** A newer connection with the same id took this one's place: another tab or device owns the id. */
  replaced: 4000,
  /** The instance serves as many rooms as it may: retry later. */
  serverFull: 4001,
  /** The application refused the join; the reason says why. */
  refused: 4003,
  /** The application removed the participant. */
  kicked: 4004,
  /** The room is full on this instance: retry later. */
  roomFull: 4005,
} as const;

/** A refusal or a removal: a reconnect as is would only be refused again, or would undo the app's decision. */
export function isFinalCloseCode(code: number): boolean {
  return code === closeCodes.refused || code === closeCodes.kicked;
}
