// A participant of a Presence room over a WebSocket: it keeps the roster, states its profile and custom state on
// every connection, and reconnects on its own until the server says not to.

import { type BackoffOptions, defaultBackoff, reconnectDelay } from "./backoff.js";
import type { ClientMessage } from "./client-messages.js";
import { closeCodes, isFinalCloseCode } from "./close-codes.js";
import { encodeClientMessage } from "./encode.js";
import { Emitter } from "./emitter.js";
import { type PresenceState, isObject } from "./json.js";
import { v2Protocol } from "./negotiation.js";
import { parseServerFrame } from "./parse-server.js";
import { type Roster, reducePresence } from "./reducer.js";
import type { EventMessage } from "./server-messages.js";
import { type WebSocketConstructor, type WebSocketLike, socketOpen } from "./socket.js";
import { mergeState } from "./state.js";
import { createWebSocketUrl } from "./url.js";

/**
 * `connecting` while a socket opens, `open` once it has, `reconnecting` while the client waits to try again, and
 * `closed` before `connect()`, after `close()`, and once the client has given up.
 */
export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "closed";

/** How a connection ended, as its socket reported it. */
export type CloseInfo = { code: number; reason: string };

export type PresenceClientOptions = {
  /** The endpoint, such as `wss://example.com/ws`; a relative one is resolved against the page's address. */
  url: string | URL;
  /** The participant id to ask for; without one (or when it is taken) the server assigns one, told in `selfId`. */
  id?: string;
  name?: string;
  /** `#rrggbb`. */
  color?: string;
  /** The room; the server's default room when left out. */
  room?: string;
  /** The token of an earlier connection with `id`, kept by the app (in sessionStorage, say) across reloads. */
  resumeToken?: string;
  /** The custom state to start with, stated on every connection. */
  state?: PresenceState;
  /**
   * Called when a newer connection took this client's id (close code 4000), as when a browser tab is duplicated
   * with its storage: the client then reconnects as a new participant with the id returned. Without it, 4000 ends
   * the client, since the id belongs to someone else now.
   */
  newId?: () => string;
  backoff?: BackoffOptions;
  /** At most one cursor update per interval goes out, always the latest; 50 ms unless set. */
  cursorIntervalMs?: number;
  /** The WebSocket implementation: `globalThis.WebSocket` unless set (pass the `ws` package's in older Node). */
  WebSocket?: WebSocketConstructor;
  /** The source of the reconnect jitter, in [0, 1). */
  random?: () => number;
};

export type PresenceClientEvents = {
  /** The room after a frame that changed it, the receiver included. */
  roster: (roster: Roster) => void;
  /** An application's event to the room, sent by server code. */
  event: (event: EventMessage) => void;
  /** `close` tells why the last connection ended, when one did. */
  status: (status: ConnectionStatus, close: CloseInfo | undefined) => void;
  /** The id this client is known by changed: the server assigned one, or the client took a new one after 4000. */
  selfId: (id: string) => void;
  /** A new resume token came, for the app to keep if it wants the id back after a reload. */
  resumeToken: (token: string) => void;
};

const defaultCursorIntervalMs = 50;

// The code a socket reports when a connection failed without a close frame (RFC 6455, section 7.1.5).
const abnormalClosure = 1006;

function clampToUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function pageAddress(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}

export class PresenceClient {
  readonly #endpoint: string;
  readonly #room: string | undefined;
  readonly #newId: (() => string) | undefined;
  readonly #backoff: BackoffOptions;
  readonly #maxAttempts: number;
  readonly #cursorIntervalMs: number;
  readonly #WebSocket: WebSocketConstructor;
  readonly #random: () => number;
  readonly #emitter = new Emitter<PresenceClientEvents>();

  #id: string | undefined;
  #name: string | undefined;
  #color: string | undefined;
  // The profile the current socket's URL carried: a hello on open is needed only if it changed since.
  #announcedName: string | undefined;
  #announcedColor: string | undefined;
  #resumeToken: string | undefined;
  #state: PresenceState;
  #hasState: boolean;

  #status: ConnectionStatus = "closed";
  #socket: WebSocketLike | undefined;
  #roster: Roster = {};
  // Reconnects since the last join that went through; the back-off grows with it.
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #cursorTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingCursor: { x: number; y: number } | undefined;
  #lastCursorSentAt = Number.NEGATIVE_INFINITY;

  constructor(options: PresenceClientOptions) {
    const WebSocketImplementation = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketImplementation) {
      throw new Error("No WebSocket implementation here: pass one as the WebSocket option, such as the ws package's.");
    }
    // Resolved once, so that a bad URL throws here rather than later in a reconnect.
    this.#endpoint = createWebSocketUrl(options.url, {}, pageAddress());
    this.#WebSocket = WebSocketImplementation;
    this.#room = options.room;
    this.#newId = options.newId;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#maxAttempts = options.backoff?.maxAttempts ?? defaultBackoff.maxAttempts;
    this.#cursorIntervalMs = options.cursorIntervalMs ?? defaultCursorIntervalMs;
    this.#random = options.random ?? Math.random;
    this.#id = options.id || undefined;
    this.#name = options.name;
    this.#color = options.color;
    this.#resumeToken = options.resumeToken || undefined;
    this.#state = options.state ? mergeState({}, options.state) : {};
    this.#hasState = options.state !== undefined;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The room as this client knows it, the receiver included; kept through reconnects until the next snapshot. */
  get roster(): Roster {
    return this.#roster;
  }

  /** The id asked for, until the server's snapshot says which one this client has. */
  get selfId(): string | undefined {
    return this.#id;
  }

  get resumeToken(): string | undefined {
    return this.#resumeToken;
  }

  /** The custom state as this client last set it. */
  get state(): Readonly<PresenceState> {
    return this.#state;
  }

  on<K extends keyof PresenceClientEvents>(type: K, listener: PresenceClientEvents[K]): () => void {
    return this.#emitter.on(type, listener);
  }

  off<K extends keyof PresenceClientEvents>(type: K, listener: PresenceClientEvents[K]): void {
    this.#emitter.off(type, listener);
  }

  /** Opens the connection; a no-op unless the client is closed. After `close()`, it starts again. */
  connect(): void {
    if (this.#status !== "closed") {
      return;
    }
    this.#attempt = 0;
    this.#openSocket();
  }

  /** Closes the connection and stops every timer: no reconnect follows. */
  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#clearTimers();
    this.#pendingCursor = undefined;
    socket?.close(closeCodes.normal);
    this.#setStatus("closed", undefined);
  }

  /** Moves this participant's cursor, in [0, 1]; updates are throttled, and the latest one waits for a connection. */
  moveCursor(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      return;
    }
    this.#pendingCursor = { x: clampToUnit(x), y: clampToUnit(y) };
    if (this.#cursorTimer !== undefined) {
      return;
    }
    const wait = this.#cursorIntervalMs - (Date.now() - this.#lastCursorSentAt);
    if (wait <= 0) {
      this.#flushCursor();
    } else {
      this.#cursorTimer = setTimeout(() => {
        this.#cursorTimer = undefined;
        this.#flushCursor();
      }, wait);
    }
  }

  /** Sets the name and colour, now if connected, and on every later connection. */
  hello(name: string, color: string): void {
    this.#name = name;
    this.#color = color;
    this.#sendHello();
  }

  /** Merges keys into the custom state (`null` removes a key), now if connected, and on every later connection. */
  setState(partial: PresenceState): void {
    if (!isObject(partial)) {
      return;
    }
    this.#state = mergeState(this.#state, partial);
    this.#hasState = true;
    this.#send({ type: "state", set: partial });
  }

  /** Replaces the custom state as a whole (`{}` clears it), now if connected, and on every later connection. */
  replaceState(state: PresenceState): void {
    if (!isObject(state)) {
      return;
    }
    this.#state = { ...state };
    this.#hasState = true;
    this.#send({ type: "state", replace: this.#state });
  }

  #openSocket(): void {
    this.#reconnectTimer = undefined;
    this.#announcedName = this.#name;
    this.#announcedColor = this.#color;
    const url = createWebSocketUrl(this.#endpoint, {
      id: this.#id,
      name: this.#name,
      color: this.#color,
      room: this.#room,
      resumeToken: this.#resumeToken,
    });
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(url, [v2Protocol]);
    } catch (error) {
      this.#onClose({ code: abnormalClosure, reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    this.#socket = socket;
    socket.addEventListener("open", () => {
      if (this.#socket === socket) {
        this.#onOpen();
      }
    });
    socket.addEventListener("message", (event) => {
      if (this.#socket === socket) {
        this.#onFrame(event.data);
      }
    });
    socket.addEventListener("close", (event) => {
      if (this.#socket === socket) {
        this.#socket = undefined;
        this.#onClose({ code: event.code, reason: event.reason });
      }
    });
    // A failed socket closes next, and the close decides what follows; the ws package throws errors nobody listens to.
    socket.addEventListener("error", () => {});
    this.#setStatus("connecting", undefined);
  }

  #onOpen(): void {
    if (this.#name !== this.#announcedName || this.#color !== this.#announcedColor) {
      this.#sendHello();
    }
    // The server forgets a participant's state with its connection: each new one states it again.
    if (this.#hasState) {
      this.#send({ type: "state", replace: this.#state });
    }
    if (this.#cursorTimer === undefined) {
      this.#flushCursor();
    }
    this.#setStatus("open", undefined);
  }

  #onFrame(data: unknown): void {
    if (typeof data !== "string") {
      return;
    }
    const messages = parseServerFrame(data);
    if (!messages) {
      return;
    }
    const previousId = this.#id;
    const previousToken = this.#resumeToken;
    const previousRoster = this.#roster;
    const events: EventMessage[] = [];
    let roster = previousRoster;
    for (const message of messages) {
      if (message.type === "snapshot") {
        // The join went through: the next outage backs off from the start again. Counting from the open instead
        // would retry a room that accepts and then closes (full, say) at the shortest wait forever.
        this.#attempt = 0;
        // An id live elsewhere without proof of this client's earlier connection: the server gave this one its own.
        this.#id = message.selfId;
        if (message.resumeToken) {
          this.#resumeToken = message.resumeToken;
        }
      } else if (message.type === "event") {
        events.push(message);
      }
      roster = reducePresence(roster, message, this.#id ?? "");
    }
    this.#roster = roster;

    if (this.#id !== previousId && this.#id !== undefined) {
      this.#emitter.emit("selfId", this.#id);
    }
    if (this.#resumeToken !== previousToken && this.#resumeToken !== undefined) {
      this.#emitter.emit("resumeToken", this.#resumeToken);
    }
    if (roster !== previousRoster) {
      this.#emitter.emit("roster", roster);
    }
    for (const event of events) {
      this.#emitter.emit("event", event);
    }
  }

  #onClose(close: CloseInfo): void {
    const replaced = close.code === closeCodes.replaced;
    if ((replaced && !this.#newId) || isFinalCloseCode(close.code) || this.#attempt >= this.#maxAttempts) {
      this.#stop(close);
      return;
    }
    if (replaced && this.#newId) {
      // Another tab or device took this id over: carry on as a new participant rather than fight for the id. The
      // resume token proved the old id only.
      this.#id = this.#newId();
      this.#resumeToken = undefined;
    }
    const delay = reconnectDelay(this.#attempt, this.#backoff, this.#random);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => this.#openSocket(), delay);
    this.#setStatus("reconnecting", close);
    if (replaced && this.#id !== undefined) {
      this.#emitter.emit("selfId", this.#id);
    }
  }

  #stop(close: CloseInfo): void {
    this.#clearTimers();
    this.#setStatus("closed", close);
  }

  #clearTimers(): void {
    if (this.#reconnectTimer !== undefined) {
      clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = undefined;
    }
    if (this.#cursorTimer !== undefined) {
      clearTimeout(this.#cursorTimer);
      this.#cursorTimer = undefined;
    }
  }

  #sendHello(): void {
    if (this.#send({ type: "hello", name: this.#name, color: this.#color })) {
      this.#announcedName = this.#name;
      this.#announcedColor = this.#color;
    }
  }

  #flushCursor(): void {
    const pending = this.#pendingCursor;
    if (pending && this.#send({ type: "cursor", x: pending.x, y: pending.y })) {
      this.#pendingCursor = undefined;
      this.#lastCursorSentAt = Date.now();
    }
  }

  /** Sends now if the socket is open; gives whether it did. */
  #send(message: ClientMessage): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== socketOpen) {
      return false;
    }
    socket.send(encodeClientMessage(message));
    return true;
  }

  #setStatus(status: ConnectionStatus, close: CloseInfo | undefined): void {
    if (status === this.#status) {
      return;
    }
    this.#status = status;
    this.#emitter.emit("status", status, close);
  }
}
