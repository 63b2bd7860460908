import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const serverProject = fileURLToPath(new URL("../../Presence.Sample.Server/", import.meta.url));

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

/** The real sample server, built and started as a user runs it, on a free loopback port. */
export class SampleServer {
  private constructor(
    private readonly process: ChildProcess,
    readonly baseUrl: string,
    private readonly output: string[],
  ) {}

  static async start(): Promise<SampleServer> {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const output: string[] = [];
    const child = spawn("dotnet", ["run", "--project", serverProject, "--no-launch-profile", "--", "--urls", baseUrl], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DOTNET_NOLOGO: "1", ASPNETCORE_ENVIRONMENT: "Production" },
    });
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const server = new SampleServer(child, baseUrl, output);
    await server.waitUntilHealthy();
    return server;
  }

  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + 170_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error(`The sample server exited (${this.process.exitCode}):\n${this.output.join("")}`);
      }
      try {
        const [health, board] = await Promise.all([fetch(`${this.baseUrl}/server/api/v1/health`), fetch(`${this.baseUrl}/`)]);
        if (health.ok && board.ok) {
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
    if (this.process.exitCode !== null || this.process.pid === undefined) {
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
