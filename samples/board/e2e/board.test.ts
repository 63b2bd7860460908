import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SampleServer } from "../../../tests/node/sample-server";

// Debian's Chromium: no browser can be downloaded here, so the executable is always given.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const screenshotPath = fileURLToPath(new URL("../../../docs/board.png", import.meta.url));
const patience = { timeout: 20_000, interval: 100 };

type Identity = { id: string; name: string; color: string };

let server: SampleServer;
let context: BrowserContext;
let profile: string;
let pageA: Page;
let pageB: Page;
let a: Identity;
let b: Identity;

async function openBoard(): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.baseUrl + "/");
  await waitUntilConnected(page);
  return page;
}

async function waitUntilConnected(page: Page): Promise<void> {
  await page.getByTestId("status").filter({ hasText: /open|connected/ }).waitFor({ timeout: 20_000 });
}

async function identity(page: Page): Promise<Identity> {
  const saved = await page.evaluate(() => sessionStorage.getItem("collab-session-user"));
  expect(saved).not.toBeNull();
  return JSON.parse(saved!) as Identity;
}

const row = (page: Page, id: string) => page.locator(`[data-testid="presence-row"][data-user-id="${id}"]`);
const cursor = (page: Page, id: string) => page.locator(`[data-testid="remote-cursor"][data-user-id="${id}"]`);

async function boardBox(page: Page) {
  const box = await page.getByTestId("board").boundingBox();
  expect(box).not.toBeNull();
  return box!;
}

beforeAll(async () => {
  server = await SampleServer.start({ board: true });
  profile = mkdtempSync(join(tmpdir(), "presence-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      // Two tabs animate at once: a background tab must not have its timers and frames throttled.
      "--disable-renderer-backgrounding",
      "--disable-background-timer-throttling",
      "--disable-backgrounding-occluded-windows",
    ],
  });
  pageA = await openBoard();
  pageB = await openBoard();
  a = await identity(pageA);
  b = await identity(pageB);
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (profile) {
    rmSync(profile, { recursive: true, force: true });
  }
});

describe("the board in two tabs", () => {
  it("gives each tab its own identity, kept in sessionStorage", () => {
    expect(a.id).not.toBe(b.id);
    for (const self of [a, b]) {
      expect(self.name.length).toBeGreaterThan(0);
      expect(self.color).toMatch(/^#[0-9a-f]{6}$/i);
    }
  });

  it("lists both visitors on each page, self first", async () => {
    for (const [page, self, other] of [
      [pageA, a, b],
      [pageB, b, a],
    ] as const) {
      await expect.poll(() => page.getByTestId("presence-row").count(), patience).toBe(2);
      const ids = await page.getByTestId("presence-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-user-id")));
      expect(ids).toEqual([self.id, other.id]);
      await expect.poll(() => row(page, other.id).textContent(), patience).toContain(other.name);
    }
  });

  it("shows the other visitor's cursor as soon as they join, and never one for yourself", async () => {
    await expect.poll(() => cursor(pageB, a.id).count(), patience).toBe(1);
    await expect.poll(() => cursor(pageA, b.id).count(), patience).toBe(1);
    expect(await cursor(pageA, a.id).count()).toBe(0);
    expect(await pageB.getByTestId("remote-cursor").count()).toBe(1);
  });

  it("moves A's cursor on B's board to the same normalised position", async () => {
    const boxA = await boardBox(pageA);
    for (const [fx, fy] of [
      [0.2, 0.3],
      [0.5, 0.5],
      [0.3, 0.6],
    ]) {
      await pageA.mouse.move(boxA.x + fx * boxA.width, boxA.y + fy * boxA.height, { steps: 8 });
      await pageA.waitForTimeout(120);
    }

    await pageB.bringToFront();
    const boxB = await boardBox(pageB);
    const expected = { x: boxB.x + 0.3 * boxB.width, y: boxB.y + 0.6 * boxB.height };
    await expect
      .poll(async () => {
        const box = await cursor(pageB, a.id).boundingBox();
        return box ? Math.max(Math.abs(box.x - expected.x), Math.abs(box.y - expected.y)) : Number.POSITIVE_INFINITY;
      }, patience)
      .toBeLessThanOrEqual(3);

    await pageB.screenshot({ path: screenshotPath });

  });

  it("shows A's new name and colour on B", async () => {
    const name = "Renamed in A";
    const color = a.color.toLowerCase() === "#ff4fa3" ? "#14b8c4" : "#ff4fa3";
    await pageA.getByTestId("name-input").fill(name);
    await pageA.locator(`[data-testid="color-swatch"][data-color="${color}"]`).click();

    await expect.poll(() => row(pageB, a.id).textContent(), patience).toContain(name);
    const rgb = `rgb(${parseInt(color.slice(1, 3), 16)}, ${parseInt(color.slice(3, 5), 16)}, ${parseInt(color.slice(5, 7), 16)})`;
    await expect
      .poll(
        () =>
          row(pageB, a.id).evaluate((element) =>
            [element, ...element.querySelectorAll("*")].map((e) => getComputedStyle(e).backgroundColor),
          ),
        patience,
      )
      .toContain(rgb);
    await expect.poll(() => cursor(pageB, a.id).textContent(), patience).toContain(name);
    expect(await identity(pageA)).toEqual({ id: a.id, name, color });
    a = await identity(pageA);
  });

  it("shows the status A picks on B's board, and keeps it through A's moves", async () => {
    const status = (page: Page, id: string) => row(page, id).getByTestId("presence-status");
    await expect.poll(() => status(pageB, a.id).textContent(), patience).toBe("available");

    await pageA.getByTestId("status-picker").selectOption("busy");
    await expect.poll(() => status(pageB, a.id).textContent(), patience).toBe("busy");
    await expect.poll(() => status(pageA, a.id).textContent(), patience).toBe("busy");

    // Cursor updates do not carry state: moving does not lose it.
    const boxA = await boardBox(pageA);
    await pageA.mouse.move(boxA.x + 0.4 * boxA.width, boxA.y + 0.4 * boxA.height, { steps: 4 });
    await pageA.waitForTimeout(300);
    expect(await status(pageB, a.id).textContent()).toBe("busy");

    await pageB.getByTestId("status-picker").selectOption("away");
    await expect.poll(() => status(pageA, b.id).textContent(), patience).toBe("away");
  });

  it("keeps A's identity across a reload", async () => {
    await pageA.reload();
    await waitUntilConnected(pageA);
    expect(await identity(pageA)).toEqual(a);
    await expect.poll(() => pageA.locator("[data-testid=presence-row]").first().getAttribute("data-user-id"), patience).toBe(a.id);
    await expect.poll(() => pageB.getByTestId("presence-row").count(), patience).toBe(2);
    await expect.poll(() => row(pageB, a.id).textContent(), patience).toContain(a.name);
    // The picked status is the tab's too, and the new connection states it again.
    await expect.poll(() => row(pageB, a.id).getByTestId("presence-status").textContent(), patience).toBe("busy");
  });

  it("removes A's row and cursor from B when A's tab closes", async () => {
    await pageA.close();
    await expect.poll(() => row(pageB, a.id).count(), patience).toBe(0);
    await expect.poll(() => cursor(pageB, a.id).count(), patience).toBe(0);
    expect(await pageB.getByTestId("presence-row").count()).toBe(1);
  });
});
