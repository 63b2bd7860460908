// Everything from the network is untrusted: these guards check a value's shape without ever throwing.

/** An app-defined JSON object: a participant's own `state`, or the `info` only the server sets. */
export type PresenceState = Record<string, unknown>;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string that is valid UTF-16: a lone surrogate could not have come from well-formed UTF-8 JSON. */
export function isText(value: unknown): value is string {
  return typeof value === "string" && value.isWellFormed();
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Parses JSON, or gives undefined, which no JSON text parses to. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
