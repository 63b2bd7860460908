"use client";

import { PerfectCursor } from "perfect-cursors";
import { type PointerEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { PresenceClient, type PresenceUser, type Roster } from "@presence/client";
import {
  clamp,
  colors,
  cursorSendIntervalMs,
  names,
  sessionTokenKey,
  sessionStatusKey,
  sessionUserKey,
  sortVisitors,
  type Status,
  statusOf,
  statuses,
  trimName,
} from "@/lib/board";
import { type ConnectionState, boardEndpoint, connectionStateOf } from "@/lib/connection";

type BoardSize = { width: number; height: number };

const defaultUser: PresenceUser = { id: "", name: names[0], color: colors[0], x: 0.5, y: 0.5, updatedAt: 0 };

const prototypeCards = [
  { title: "Onboarding flow", note: "3 screens · review", left: "8%", top: "12%", accent: "#1e9df5" },
  { title: "Pricing page", note: "hero + plans", left: "52%", top: "18%", accent: "#7b61ff" },
  { title: "Mobile nav", note: "bottom bar", left: "18%", top: "58%", accent: "#22c079" },
  { title: "Checkout", note: "edge cases", left: "62%", top: "62%", accent: "#f5a623" },
];

// Restores this tab's identity from sessionStorage, so that a reload keeps it, or makes a new one.
function createLocalUser(): PresenceUser {
  const now = Date.now() / 1000;
  const saved = sessionStorage.getItem(sessionUserKey);
  if (saved) {
    try {
      const parsed = JSON.parse(saved) as Partial<PresenceUser>;
      if (typeof parsed.id === "string" && parsed.id) {
        return {
          id: parsed.id,
          name: typeof parsed.name === "string" && parsed.name ? trimName(parsed.name) : names[0],
          color: typeof parsed.color === "string" && /^#[0-9a-f]{6}$/i.test(parsed.color) ? parsed.color : colors[0],
          x: 0.5,
          y: 0.5,
          updatedAt: now,
        };
      }
    } catch {
      sessionStorage.removeItem(sessionUserKey);
    }
  }

  const index = Math.floor(Math.random() * names.length);
  return { id: crypto.randomUUID(), name: names[index], color: colors[index % colors.length], x: 0.5, y: 0.5, updatedAt: now };
}

function savedStatus(): Status {
  const saved = sessionStorage.getItem(sessionStatusKey);
  return statuses.find((status) => status === saved) ?? "available";
}

function roomFromLocation(): string | undefined {
  return new URLSearchParams(window.location.search).get("room") ?? undefined;
}

export function CollabCanvas() {
  const [self, setSelf] = useState<PresenceUser>(defaultUser);
  const [isReady, setIsReady] = useState(false);
  const [users, setUsers] = useState<Roster>({});
  const [connectionState, setConnectionState] = useState<ConnectionState>("connecting");
  const [boardSize, setBoardSize] = useState<BoardSize>({ width: 0, height: 0 });
  const [status, setStatus] = useState<Status>("available");

  const boardRef = useRef<HTMLDivElement | null>(null);
  const clientRef = useRef<PresenceClient | null>(null);
  const selfRef = useRef(self);
  const statusRef = useRef(status);

  useEffect(() => {
    selfRef.current = self;
  }, [self]);

  useEffect(() => {
    statusRef.current = status;
  }, [status]);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      setSelf(createLocalUser());
      setStatus(savedStatus());
      setIsReady(true);
    }, 0);
    return () => window.clearTimeout(timer);
  }, []);

  useEffect(() => {
    if (!isReady) {
      return;
    }
    sessionStorage.setItem(sessionUserKey, JSON.stringify({ id: self.id, name: self.name, color: self.color }));
  }, [isReady, self.id, self.name, self.color]);

  // One client per tab: it reconnects on its own, and takes a new id itself when the server gives one or another tab
  // takes this one over. Name, colour and status changes go through it, now if connected and on every reconnect.
  useEffect(() => {
    if (!isReady) {
      return;
    }
    const client = new PresenceClient({
      url: boardEndpoint(window.location.origin, process.env.NEXT_PUBLIC_WS_URL),
      id: selfRef.current.id,
      name: selfRef.current.name,
      color: selfRef.current.color,
      room: roomFromLocation(),
      // The server's proof of this tab's earlier connection, so that a reload may take its id back.
      resumeToken: sessionStorage.getItem(sessionTokenKey) ?? undefined,
      state: { status: statusRef.current },
      // Another tab holds this id (a duplicated tab copies sessionStorage): this one becomes a new visitor.
      newId: () => crypto.randomUUID(),
      cursorIntervalMs: cursorSendIntervalMs,
    });
    clientRef.current = client;
    client.on("status", (clientStatus, close) => setConnectionState(connectionStateOf(clientStatus, close)));
    client.on("roster", setUsers);
    client.on("selfId", (id) => setSelf((current) => ({ ...current, id })));
    client.on("resumeToken", (token) => sessionStorage.setItem(sessionTokenKey, token));
    client.connect();

    return () => {
      client.close();
      clientRef.current = null;
    };
  }, [isReady]);

  useEffect(() => {
    if (isReady) {
      clientRef.current?.hello(self.name, self.color);
    }
  }, [isReady, self.name, self.color]);

  useEffect(() => {
    if (!isReady) {
      return;
    }
    sessionStorage.setItem(sessionStatusKey, status);
    clientRef.current?.setState({ status });
  }, [isReady, status]);

  useEffect(() => {
    const board = boardRef.current;
    if (!board) {
      return;
    }
    const observer = new ResizeObserver(([entry]) => {
      setBoardSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(board);
    return () => observer.disconnect();
  }, []);

  const sendCursor = (event: PointerEvent<HTMLDivElement>) => {
    const board = boardRef.current;
    if (!board) {
      return;
    }
    const rect = board.getBoundingClientRect();
    const x = clamp((event.clientX - rect.left) / rect.width);
    const y = clamp((event.clientY - rect.top) / rect.height);

    // The local cursor moves at once; the client sends at most one update per interval, always the latest.
    setSelf((current) => ({ ...current, x, y, updatedAt: Date.now() / 1000 }));
    clientRef.current?.moveCursor(x, y);
  };

  const updateName = (value: string) => setSelf((current) => ({ ...current, name: trimName(value) }));
  const updateColor = (color: string) => setSelf((current) => ({ ...current, color }));

  const roster = useMemo<Roster>(
    () => (isReady ? { ...users, [self.id]: { ...self, state: { ...users[self.id]?.state, status } } } : users),
    [isReady, users, self, status],
  );
  const visitors = useMemo(() => sortVisitors(roster, self.id), [roster, self.id]);
  const remoteUsers = useMemo(() => visitors.filter((user) => user.id !== self.id), [visitors, self.id]);

  return (
    <main className="flex min-h-screen flex-col gap-4 p-4 md:p-6">
      <header className="flex flex-wrap items-center gap-3 rounded-2xl border border-gray-200 bg-white px-4 py-3 shadow-sm">
        <div className="mr-auto flex items-center gap-3">
          <h1 className="text-lg font-semibold tracking-tight">Presence board</h1>
          <span
            data-testid="status"
            className={`rounded-full px-2.5 py-0.5 text-xs font-medium ${statusClassName(connectionState)}`}
          >
            {connectionState}
          </span>
        </div>
        <label className="flex items-center gap-2 text-sm text-gray-600">
          Name
          <input
            data-testid="name-input"
            className="w-44 rounded-lg border border-gray-300 px-2.5 py-1.5 text-sm text-gray-900 outline-none focus:border-gray-500"
            value={self.name}
            maxLength={28}
            onChange={(event) => updateName(event.target.value)}
          />
        </label>
        <label className="flex items-center gap-2 text-sm text-gray-600">
          Status
          <select
            data-testid="status-picker"
            className="rounded-lg border border-gray-300 px-2 py-1.5 text-sm text-gray-900 outline-none focus:border-gray-500"
            value={status}
            onChange={(event) => setStatus(statuses.find((known) => known === event.target.value) ?? "available")}
          >
            {statuses.map((known) => (
              <option key={known} value={known}>
                {known}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-center gap-1.5" role="group" aria-label="Cursor colour">
          {colors.map((color) => (
            <button
              key={color}
              type="button"
              data-testid="color-swatch"
              data-color={color}
              aria-label={`Use colour ${color}`}
              aria-pressed={self.color === color}
              onClick={() => updateColor(color)}
              className={`h-6 w-6 rounded-full border-2 transition ${self.color === color ? "border-gray-900 scale-110" : "border-white"}`}
              style={{ backgroundColor: color }}
            />
          ))}
        </div>
      </header>

      <div className="flex flex-1 flex-col gap-4 md:flex-row">
        <div
          ref={boardRef}
          data-testid="board"
          onPointerMove={sendCursor}
          className="board-grid relative min-h-[480px] flex-1 cursor-crosshair touch-none overflow-hidden rounded-2xl shadow-[0_0_0_1px_rgb(229_231_235)]"
        >
          {prototypeCards.map((card) => (
            <div
              key={card.title}
              className="pointer-events-none absolute w-56 rounded-xl border border-gray-200 bg-white p-4 shadow-sm select-none"
              style={{ left: card.left, top: card.top }}
            >
              <div className="mb-3 h-20 rounded-lg" style={{ backgroundColor: `${card.accent}22` }} />
              <p className="text-sm font-medium">{card.title}</p>
              <p className="text-xs text-gray-500">{card.note}</p>
            </div>
          ))}
          {boardSize.width > 0 &&
            remoteUsers.map((user) => <RemoteCursor key={user.id} boardSize={boardSize} user={user} />)}
        </div>

        <aside className="w-full rounded-2xl border border-gray-200 bg-white p-4 shadow-sm md:w-64">
          <h2 className="mb-3 text-sm font-semibold text-gray-700">
            Here now <span className="text-gray-400">{visitors.length}</span>
          </h2>
          <ul className="flex flex-col gap-2">
            {visitors.map((user) => (
              <PresenceRow key={user.id} user={user} isSelf={user.id === self.id} />
            ))}
          </ul>
        </aside>
      </div>
    </main>
  );
}

function PresenceRow({ user, isSelf }: { user: PresenceUser; isSelf: boolean }) {
  const status = statusOf(user);
  return (
    <li data-testid="presence-row" data-user-id={user.id} className="flex items-center gap-2 text-sm">
      <span className="h-3 w-3 shrink-0 rounded-full" style={{ backgroundColor: user.color }} />
      <span className="truncate">{user.name}</span>
      {isSelf && <span className="text-xs text-gray-400">(you)</span>}
      {status && (
        <span data-testid="presence-status" className={`ml-auto rounded-full px-2 py-0.5 text-xs ${statusPillClassName(status)}`}>
          {status}
        </span>
      )}
    </li>
  );
}

function statusPillClassName(status: Status) {
  switch (status) {
    case "busy":
      return "bg-rose-100 text-rose-700";
    case "away":
      return "bg-gray-100 text-gray-500";
    default:
      return "bg-emerald-50 text-emerald-700";
  }
}

function getCursorTransform(point: number[]) {
  return `translate(${point[0]}px, ${point[1]}px)`;
}

// The box's top-left corner is the pointer's position: the arrow's tip is drawn there, the label below right.
function RemoteCursor({ boardSize, user }: { boardSize: BoardSize; user: PresenceUser }) {
  const cursorRef = useRef<HTMLDivElement | null>(null);
  const perfectCursorRef = useRef<PerfectCursor | null>(null);
  const { height, width } = boardSize;
  const { x, y } = user;
  const [initialPoint] = useState(() => [x * width, y * height]);

  const moveCursor = useCallback((point: number[]) => {
    const cursor = cursorRef.current;
    if (cursor) {
      cursor.style.transform = getCursorTransform(point);
    }
  }, []);

  useEffect(() => {
    const perfectCursor = new PerfectCursor(moveCursor);
    perfectCursorRef.current = perfectCursor;
    perfectCursor.addPoint(initialPoint);
    return () => {
      perfectCursor.dispose();
      perfectCursorRef.current = null;
    };
  }, [initialPoint, moveCursor]);

  useEffect(() => {
    const point = [x * width, y * height];
    perfectCursorRef.current?.addPoint(point);

    // perfect-cursors ends its last animation on the frame before the spline's end, a few pixels short of the
    // point. Once it has stopped, the cursor is put exactly where the visitor's pointer is.
    let settle: ReturnType<typeof setTimeout>;
    const snap = () => {
      if (perfectCursorRef.current?.state === "animating") {
        settle = setTimeout(snap, 50);
      } else {
        moveCursor(point);
      }
    };
    settle = setTimeout(snap, 100);
    return () => clearTimeout(settle);
  }, [height, width, x, y, moveCursor]);

  return (
    <div
      ref={cursorRef}
      data-testid="remote-cursor"
      data-user-id={user.id}
      className="pointer-events-none absolute top-0 left-0 z-10 will-change-transform"
      style={{ transform: getCursorTransform(initialPoint) }}
    >
      <svg width="18" height="22" viewBox="0 0 18 22" className="block drop-shadow-sm" aria-hidden="true">
        <path d="M1 1 L1 17 L5.5 13 L8.5 20 L11.5 18.8 L8.6 12 L15 12 Z" fill={user.color} stroke="white" strokeWidth="1.5" />
      </svg>
      <span
        className="ml-3 -mt-1 block w-max rounded-md px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-white shadow"
        style={{ backgroundColor: user.color }}
      >
        {user.name}
      </span>
    </div>
  );
}

function statusClassName(state: ConnectionState) {
  switch (state) {
    case "open":
      return "bg-emerald-100 text-emerald-700";
    case "connecting":
      return "bg-amber-100 text-amber-700";
    case "removed":
      return "bg-rose-100 text-rose-700";
    default:
      return "bg-gray-200 text-gray-600";
  }
}
