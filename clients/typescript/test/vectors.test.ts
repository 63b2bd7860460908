import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Roster, parseServerFrame, parseServerMessage, reducePresence } from "../src/index.js";

// The protocol vectors the .NET tests read too: both parsers and reducers must agree on every one.
const vectors = (file: string) => JSON.parse(readFileSync(new URL(`../../../tests/vectors/${file}`, import.meta.url), "utf8"));

type MessageCase = { name: string; raw: string; valid: boolean; message?: unknown };
type Sequence = { name: string; selfId: string; steps: { raw: string; roster: Roster }[] };

describe("server message vectors", () => {
  const { cases } = vectors("server-messages.json") as { cases: MessageCase[] };

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_, vector) => {
    const message = parseServerMessage(vector.raw);
    if (vector.valid) {
      expect(message).toEqual(vector.message);
    } else {
      expect(message).toBeNull();
    }
  });
});

describe("sequence vectors", () => {
  const { sequences } = vectors("sequences.json") as { sequences: Sequence[] };

  it.each(sequences.map((s) => [s.name, s] as const))("%s", (_, sequence) => {
    let roster: Roster = {};
    for (const step of sequence.steps) {
      const message = parseServerMessage(step.raw);
      if (message) {
        roster = reducePresence(roster, message, sequence.selfId);
      }
      expect(roster).toEqual(step.roster);
    }
  });
});

describe("server frame vectors", () => {
  const { cases } = vectors("server-frames.json") as { cases: (MessageCase & { messages?: unknown[] })[] };

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_, vector) => {
    const messages = parseServerFrame(vector.raw);
    if (vector.valid) {
      expect(messages).toEqual(vector.messages);
    } else {
      expect(messages).toBeNull();
    }
  });
});
