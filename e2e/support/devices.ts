/**
 * Devices on networks of their own. `world.offline(context)` cuts the world's one relay, which
 * every context shares, so it takes every device offline at once. A Device is a browser context
 * behind its own relay to the same server: cutting one device's network leaves the others
 * online (a couple in a basement while the venue's supplier stays connected). Offline means
 * what the world means by it: the relay drops the device's connections (page, service worker,
 * WebSocket) and the browser reports offline.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect, test as worldTest, type World } from './fixtures';
import { startNetCut, type NetCut } from './netcut';

export interface Device {
  name: string;
  context: BrowserContext;
  /** The first tab; `newTab()` opens more in the same context (same storage, same cookie). */
  page: Page;
  baseURL: string;
  newTab(): Promise<Page>;
  offline(): Promise<void>;
  online(): Promise<void>;
  close(): Promise<void>;
}

export async function openDevice(browser: Browser, world: World, name: string): Promise<Device> {
  const net: NetCut = await startNetCut(Number(new URL(world.server.url).port));
  const baseURL = `http://127.0.0.1:${net.port}`;
  const context = await browser.newContext({ baseURL, serviceWorkers: 'allow' });
  const page = await context.newPage();
  return {
    name,
    context,
    page,
    baseURL,
    newTab: () => context.newPage(),
    async offline() {
      net.cut();
      await context.setOffline(true);
    },
    async online() {
      net.restore();
      await context.setOffline(false);
    },
    async close() {
      await context.close();
      await net.close();
    },
  };
}

/** Rows of the server's database, as the test harness reads them. */
export async function sql<T>(world: World, text: string, params: unknown[] = []): Promise<T[]> {
  return (await world.server.testDb.db.query(text, params)) as T[];
}

/** A test whose `openDevice(name)` opens a Device that is closed when the test ends. */
export const test = worldTest.extend<{ openDevice: (name: string) => Promise<Device> }>({
  openDevice: async ({ browser, world }, use) => {
    const opened: Device[] = [];
    await use(async (name) => {
      const device = await openDevice(browser, world, name);
      opened.push(device);
      return device;
    });
    for (const device of opened) await device.close();
  },
});

export { expect };
