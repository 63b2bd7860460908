"use client";

import { PerfectCursor } from "perfect-cursors";
import { type PointerEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  type PresenceUser,
  type Roster,
  clamp,
  colors,
  createWebSocketUrl,
  cursorSendIntervalMs,
  forbiddenCloseCode,
  kickedCloseCode,
  names,
  parseServerFrame,
  reconnectDelay,
  reducePresence,
  replacedCloseCode,
  sessionTokenKey,
  sessionStatusKey,
  sessionUserKey,
  sortVisitors,
  type Status,
  statusOf,
  statuses,
  trimName,
  v2Protocol,
} from "@/lib/presence";

// "removed": the server refused this tab or removed it (4003, 4004), so the board does not reconnect on its own.
type ConnectionState = "connecting" | "open" | "closed" | "removed";
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
  const socketRef = useRef<WebSocket | null>(null);
  const selfRef = useRef(self);
  const statusRef = useRef(status);
  const pendingCursorRef = useRef<{ x: number; y: number } | null>(null);
  const cursorTimerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastSentAtRef = useRef(0);
  // The server's proof of this tab's earlier connection, sent with each reconnect so that it may take its id back.
  const resumeTokenRef = useRef<string | undefined>(undefined);

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

  // One socket per identity. Name and colour changes travel as hello on the open socket; a reconnect uses the
  // latest profile from selfRef.
  useEffect(() => {
    if (!isReady) {
      return;
    }

    let cancelled = false;
    let attempt = 0;
    let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

    const connect = () => {
      // Protocol v2 batches a room's events per tick; a server that does not offer it answers in v1, which reads the same.
      const ws = new WebSocket(
        createWebSocketUrl(
          selfRef.current,
          window.location.origin,
          process.env.NEXT_PUBLIC_WS_URL ?? "/server",
          roomFromLocation(),
          resumeTokenRef.current ?? sessionStorage.getItem(sessionTokenKey) ?? undefined,
        ),
        [v2Protocol],
      );
      socketRef.current = ws;
      setConnectionState("connecting");

      ws.addEventListener("open", () => {
        attempt = 0;
        setConnectionState("open");
        ws.send(JSON.stringify({ type: "hello", name: selfRef.current.name, color: selfRef.current.color }));
        // A participant's state lives as long as its connection: each new one states it again.
        ws.send(JSON.stringify({ type: "state", set: { status: statusRef.current } }));
      });

      ws.addEventListener("message", (event: MessageEvent) => {
        if (typeof event.data !== "string") {
          return;
        }
        const messages = parseServerFrame(event.data);
        const snapshot = messages?.find((message) => message.type === "snapshot");
        if (snapshot) {
          resumeTokenRef.current = snapshot.resumeToken;
          if (snapshot.resumeToken) {
            sessionStorage.setItem(sessionTokenKey, snapshot.resumeToken);
          }
          if (snapshot.selfId !== selfRef.current.id) {
            // The id was live elsewhere without proof of this tab's earlier session: the server gave this tab its own.
            setSelf((current) => ({ ...current, id: snapshot.selfId }));
            return;
          }
        }
        if (messages) {
          setUsers((current) => messages.reduce((roster, message) => reducePresence(roster, message, selfRef.current.id), current));
        }
      });

      ws.addEventListener("close", (event: CloseEvent) => {
        if (socketRef.current === ws) {
          socketRef.current = null;
        }
        setConnectionState("closed");
        if (cancelled) {
          return;
        }
        if (event.code === forbiddenCloseCode || event.code === kickedCloseCode) {
          setConnectionState("removed");
          return;
        }
        if (event.code === replacedCloseCode) {
          // Another tab holds this id (a duplicated tab copies sessionStorage): this one becomes a new visitor.
          setSelf((current) => ({ ...current, id: crypto.randomUUID() }));
          return;
        }
        reconnectTimer = setTimeout(connect, reconnectDelay(attempt));
        attempt += 1;
      });
    };

    connect();

    return () => {
      cancelled = true;
      if (reconnectTimer) {
        clearTimeout(reconnectTimer);
      }
      if (cursorTimerRef.current) {
        clearTimeout(cursorTimerRef.current);
        cursorTimerRef.current = null;
      }
      socketRef.current?.close();
      socketRef.current = null;
    };
  }, [isReady, self.id]);

  useEffect(() => {
    const socket = socketRef.current;
    if (isReady && socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "hello", name: self.name, color: self.color }));
    }
  }, [isReady, self.name, self.color]);

  useEffect(() => {
    if (!isReady) {
      return;
    }
    sessionStorage.setItem(sessionStatusKey, status);
    const socket = socketRef.current;
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "state", set: { status } }));
    }
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

  const flushCursor = useCallback(() => {
    cursorTimerRef.current = null;
    const pending = pendingCursorRef.current;
    const socket = socketRef.current;
    if (!pending || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    pendingCursorRef.current = null;
    lastSentAtRef.current = Date.now();
    socket.send(JSON.stringify({ type: "cursor", x: pending.x, y: pending.y }));
  }, []);

  const sendCursor = (event: PointerEvent<HTMLDivElement>) => {
    const board = boardRef.current;
    if (!board) {
      return;
    }
    const rect = board.getBoundingClientRect();
    const x = clamp((event.clientX - rect.left) / rect.width);
    const y = clamp((event.clientY - rect.top) / rect.height);

    // The local cursor moves at once; the network sees at most one update per interval, always the latest.
    setSelf((current) => ({ ...current, x, y, updatedAt: Date.now() / 1000 }));
    pendingCursorRef.current = { x, y };
    if (cursorTimerRef.current) {
      return;
    }
    const wait = cursorSendIntervalMs - (Date.now() - lastSentAtRef.current);
    if (wait <= 0) {
      flushCursor();
    } else {
      cursorTimerRef.current = setTimeout(flushCursor, wait);
    }
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
