// How long to wait before a reconnect: exponential back-off with full jitter, so that the clients a restart dropped
// do not all come back in the same instant.

export type BackoffOptions = {
  /** The ceiling of the first wait, in milliseconds. */
  baseMs?: number;
  /** How much the ceiling grows after each failed attempt. */
  factor?: number;
  /** The largest ceiling, in milliseconds. */
  capMs?: number;
  /** Failed attempts in a row after which the client gives up; unbounded by default. */
  maxAttempts?: number;
};

export const defaultBackoff: Required<BackoffOptions> = { baseMs: 800, factor: 1.6, capMs: 8000, maxAttempts: Number.POSITIVE_INFINITY };

/** The wait before reconnect `attempt` (0 for the first): uniform in [0, min(cap, base × factor^attempt)]. */
export function reconnectDelay(attempt: number, backoff: BackoffOptions = defaultBackoff, random: () => number = Math.random): number {
  const baseMs = backoff.baseMs ?? defaultBackoff.baseMs;
  const factor = backoff.factor ?? defaultBackoff.factor;
  const capMs = backoff.capMs ?? defaultBackoff.capMs;
  const ceiling = Math.min(capMs, baseMs * factor ** Math.max(0, attempt));
  return Math.round(ceiling * random());
}
