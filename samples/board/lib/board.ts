// The board's own choices, apart from React so that they are unit-tested on their own: the identities it offers,
// where a tab keeps its session, the statuses a visitor picks, and the order of the sidebar. The protocol itself is
// the npm client's (@presence/client).

import type { PresenceUser, Roster } from "@presence/client";

export const colors = ["#1e9df5", "#7b61ff", "#22c079", "#fb6e6e", "#f5a623", "#ff4fa3", "#14b8c4", "#5566ff"];
export const names = ["Mira", "Kai", "Rin", "Avery", "Noor", "Sol", "Ira", "Jules"];
export const sessionUserKey = "collab-session-user";
export const sessionTokenKey = "collab-session-resume";
export const sessionStatusKey = "collab-session-status";
export const maxNameLength = 28;
export const cursorSendIntervalMs = 80;

/** The statuses the board offers; the server carries any JSON, the board picks this one field. */
export const statuses = ["available", "busy", "away"] as const;
export type Status = (typeof statuses)[number];

export function clamp(value: number): number {
  if (!Number.isFinite(value)) {
    return 0.5;
  }
  return Math.min(1, Math.max(0, value));
}

export function trimName(name: string): string {
  return name.slice(0, maxNameLength);
}

/** The board's status of a participant: the `status` field of its state, when it is one the board knows. */
export function statusOf(user: PresenceUser): Status | undefined {
  const status = user.state?.status;
  return statuses.find((known) => known === status);
}

/** Orders the sidebar: self first, then the others by name. */
export function sortVisitors(users: Roster, selfId: string): PresenceUser[] {
  const self = users[selfId];
  const others = Object.values(users)
    .filter((user) => user.id !== selfId)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return self ? [self, ...others] : others;
}
