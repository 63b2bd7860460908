import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { type CloseInfo, type ConnectionStatus, PresenceClient, type WebSocketConstructor, encodeServerFrame, v2Protocol } from "../src/index.js";

// The ws package's socket and the global one (browsers, Node 22) both fit the option's type: the typecheck of this
// file fails otherwise.
export const implementations: (WebSocketConstructor | undefined)[] = [WebSocket, globalThis.WebSocket as typeof globalThis.WebSocket | undefined];

let server: WebSocketServer | undefined;

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe("over the ws package", () => {
  it("negotiates v2, reads a tick frame, and stops on a kick", async () => {
    server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (offered) => (offered.has(v2Protocol) ? v2Protocol : false) });
    await new Promise((resolve) => server!.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    const offered: string[] = [];
    server.on("connection", (socket, request) => {
      offered.push(request.headers["sec-websocket-protocol"] ?? "");
      const user = { id: "a", name: "A", color: "#1e9df5", x: 0.5, y: 0.5, updatedAt: 1 };
      socket.send(encodeServerFrame([{ type: "snapshot", selfId: "a", users: [user], stateStore: "memory", resumeToken: "t" }]));
      socket.send(encodeServerFrame([{ type: "presence", user: { ...user, id: "b", name: "B" } }]), () => socket.close(4004, "removed"));
    });

    const client = new PresenceClient({ url: `ws://127.0.0.1:${port}/ws`, id: "a", WebSocket });
    const statuses: ConnectionStatus[] = [];
    const ended = new Promise<CloseInfo | undefined>((resolve) =>
      client.on("status", (status, close) => {
        statuses.push(status);
        if (status === "closed") {
          resolve(close);
        }
      }),
    );
    client.connect();

    expect(await ended).toEqual({ code: 4004, reason: "removed" });
    expect(statuses).toEqual(["connecting", "open", "closed"]);
    expect(offered).toEqual([v2Protocol]);
    expect(Object.keys(client.roster)).toEqual(["a", "b"]);
    expect(client.resumeToken).toBe("t");
  });
});
