import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SampleServer } from "../../../tests/node/sample-server.js";

// The package as an app gets it: packed, installed from the tarball into a project of its own, imported by name,
// and talking to the real sample server on loopback.
const packageDirectory = fileURLToPath(new URL("../", import.meta.url));
const run = promisify(execFile);

// npm passes its own settings to scripts as npm_* variables; a nested npm must not take this package's for its own.
const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")));
const npm = (args: string[], cwd: string) =>
  run("npm", [...args, "--no-audit", "--no-fund", "--no-update-notifier"], { cwd, env: environment, maxBuffer: 16 * 1024 * 1024 });

let server: SampleServer | undefined;
let scratch: string;
let packed: string[];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "presence-client-"));
  // The server builds while the package packs: both take a while on a small machine.
  const starting = SampleServer.start({ board: false }).then((started) => (server = started));

  const { stdout } = await npm(["pack", "--json", "--pack-destination", scratch], packageDirectory);
  packed = (JSON.parse(stdout.slice(stdout.indexOf("["))) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
  const tarball = readdirSync(scratch).find((name) => name.endsWith(".tgz"));
  if (!tarball) {
    throw new Error(`npm pack left no tarball in ${scratch}`);
  }
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "presence-client-scratch", private: true, type: "module" }));
  const wsVersion = (JSON.parse(readFileSync(join(packageDirectory, "node_modules/ws/package.json"), "utf8")) as { version: string }).version;
  await npm(["install", "--prefer-offline", `./${tarball}`, `ws@${wsVersion}`], scratch);
  copyFileSync(fileURLToPath(new URL("./fixtures/two-clients.mjs", import.meta.url)), join(scratch, "two-clients.mjs"));

  await starting;
});

afterAll(async () => {
  await server?.stop();
  if (scratch) {
    rmSync(scratch, { recursive: true, force: true });
  }
});

describe("the packed package", () => {
  it("holds the built modules with their types, and neither sources nor tests", () => {
    expect(packed).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/client.js"]));
    expect(packed.filter((path) => !path.startsWith("dist/") && !["package.json", "README.md"].includes(path))).toEqual([]);
    expect(existsSync(join(scratch, "node_modules/@presence/client/dist/index.d.ts"))).toBe(true);
  });

  it("connects two clients to the real sample server from a fresh project", async () => {
    const { stdout } = await run(process.execPath, ["two-clients.mjs", server!.webSocketUrl], { cwd: scratch, env: environment, timeout: 90_000 });
    const seen = JSON.parse(stdout) as { snapshot: { selfId: string; users: string[]; resumeToken: boolean }; other: Record<string, unknown> };
    expect(seen.snapshot).toEqual({ selfId: "pack-a", users: ["pack-a"], resumeToken: true });
    expect(seen.other).toMatchObject({ id: "pack-b", name: "Bravo", color: "#7b61ff", x: 0.25, y: 0.75, state: { status: "busy" } });
  });
});
