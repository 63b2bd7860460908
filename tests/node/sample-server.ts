import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

// The sample server's project, from tests/node: shared by the npm client's tests and the board's browser tests.
const serverProject = fileURLToPath(new URL("../../samples/Presence.Sample.Server/", import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The real sample server on a free loopback port, built and started as a user runs it. With `board: false` its build
 * skips the board: the npm client's tests need only the WebSocket API, and the board is built from the client, so
 * building it there would race with the client's own build.
 */
export class SampleServer {
  private constructor(
    private readonly process: ChildProcess,
    readonly baseUrl: string,
    private readonly output: string[],
  ) {}

  /** The presence endpoint, as a client outside the board's origin reaches it. */
  get webSocketUrl(): string {
    return `${this.baseUrl.replace(/^http/, "ws")}/ws`;
  }

  static async start(options: { board: boolean }): Promise<SampleServer> {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const output: string[] = [];
    const build = options.board ? [] : ["--property:SkipBoardBuild=true"];
    const child = spawn(
      "dotnet",
      ["run", "--project", serverProject, "--no-launch-profile", ...build, "--", "--urls", baseUrl],
      {
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, DOTNET_NOLOGO: "1", ASPNETCORE_ENVIRONMENT: "Production" },
      },
    );
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const server = new SampleServer(child, baseUrl, output);
    try {
      await server.waitUntilHealthy(options.board);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  // With the board, through the single origin's /server prefix, and the board's page too.
  private async waitUntilHealthy(board: boolean): Promise<void> {
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error(`The sample server exited (${this.process.exitCode}):\n${this.output.join("")}`);
      }
      try {
        const paths = board ? ["/server/api/v1/health", "/"] : ["/api/v1/health"];
        const answers = await Promise.all(paths.map((path) => fetch(`${this.baseUrl}${path}`)));
        if (answers.every((answer) => answer.ok)) {
          return;
        }
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`The sample server never became healthy:\n${this.output.join("")}`);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null || this.process.pid === undefined) {
      return;
    }
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    try {
      // The whole group: `dotnet run` and the server it started.
      process.kill(-this.process.pid, "SIGTERM");
    } catch {
      return;
    }
    const timeout = setTimeout(() => {
      try {
        process.kill(-this.process.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 10_000);
    await exited;
    clearTimeout(timeout);
  }
}
