import {
  type ClientMessage,
  type ServerMessage,
  type SocketCloseEvent,
  type SocketMessageEvent,
  type WebSocketConstructor,
  type WebSocketLike,
  encodeServerFrame,
  encodeServerMessage,
  parseClientMessage,
} from "../src/index.js";

type Listener = (event: never) => void;

/** A WebSocket driven by the test: it opens, receives and drops when told to, and records what the client sent. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  closedWith: { code?: number; reason?: string } | undefined;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: URL,
    readonly protocols: string | string[] | undefined,
  ) {}

  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: SocketMessageEvent) => void): void;
  addEventListener(type: "close", listener: (event: SocketCloseEvent) => void): void;
  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    if (this.readyState !== 1) {
      throw new Error("send on a socket that is not open");
    }
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** What the client sent, as the server reads it. */
  get messages(): ClientMessage[] {
    return this.sent.map((raw) => parseClientMessage(raw)).filter((message) => message !== null);
  }

  open(): void {
    this.readyState = 1;
    this.#dispatch("open", {});
  }

  receive(...messages: ServerMessage[]): void {
    this.receiveRaw(messages.length === 1 ? encodeServerMessage(messages[0]!) : encodeServerFrame(messages));
  }

  receiveRaw(data: unknown): void {
    this.#dispatch("message", { data });
  }

  /** The connection ends from the other side, or fails, with this code. */
  drop(code = 1006, reason = ""): void {
    this.readyState = 3;
    this.#dispatch("error", {});
    this.#dispatch("close", { code, reason });
  }

  #dispatch(type: string, event: object): void {
    for (const listener of this.#listeners.get(type) ?? []) {
      (listener as (event: object) => void)(event);
    }
  }
}

/** A WebSocket constructor that hands every socket it makes to the test. */
export function fakeWebSocket(): { WebSocket: WebSocketConstructor; sockets: FakeSocket[]; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  const WebSocket = class extends FakeSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(new URL(url), protocols);
      sockets.push(this);
    }
  };
  return {
    WebSocket,
    sockets,
    last: () => {
      const socket = sockets.at(-1);
      if (!socket) {
        throw new Error("no socket was opened");
      }
      return socket;
    },
  };
}
