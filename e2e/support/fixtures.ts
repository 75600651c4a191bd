/**
 * The e2e world: a real PlusOne server (real database: DATABASE_URL's PostgreSQL or embedded
 * PGlite) serving the built PWA from dist/, behind a relay that can cut the network. One per
 * spec file (workers run one file at a time).
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { hashPassword } from '../../server/auth/passwords';
import { DEMO_PASSWORD } from '../../server/demo/seed';
import { newInvitation, startTestServer, type TestServer } from '../../server/test/server';
import { MIN_PEOPLE } from '../../shared/analytics/privacy';
import { channels } from '../../shared/invitation';
import { variants } from '../../server/demo/plan';
import { startNetCut, type NetCut } from './netcut';

export interface World {
  server: TestServer;
  net: NetCut;
  baseURL: string;
  /** A copy of the built PWA the test may change (to ship an "update"). */
  staticDir: string;
  /** Makes a new supplier with no invitations; returns the email. */
  newSupplier(name: string): Promise<string>;
  /**
   * Five new suppliers each invite one person per channel and template variant, so every arm of
   * the experiments has the 5 inviters below which results are hidden (DESIGN §6: a small arm
   * in one channel would hide others beside it).
   */
  experimentTraffic(): Promise<void>;
  /** Cuts the network for this context: the relay drops connections and the browser reports offline. */
  offline(context: BrowserContext): Promise<void>;
  online(context: BrowserContext): Promise<void>;
}

let counter = 0;

export const test = base.extend<{ hosts: Set<string> }, { world: World; serverEnv: Record<string, string> }>({
  /** Extra server configuration for a spec (`test.use({ serverEnv: { DELIVERY_WORKERS: '2' } })`). */
  serverEnv: [{}, { scope: 'worker', option: true }],
  world: [
    async ({ serverEnv }, use) => {
      const staticDir = mkdtempSync(join(tmpdir(), 'plusone-pwa-'));
      // E2E_DIST: a build elsewhere (`vite build --outDir …`), so two checkouts' runs do not share one dist/.
      cpSync(process.env.E2E_DIST ?? 'dist', staticDir, { recursive: true });
      const server = await startTestServer({ env: { STATIC_DIR: staticDir, ...serverEnv } });
      const net = await startNetCut(Number(new URL(server.url).port));
      const world: World = {
        server,
        net,
        baseURL: `http://127.0.0.1:${net.port}`,
        staticDir,
        async newSupplier(name) {
          const id = `u-e2e-${Date.now()}-${counter++}`;
          const email = `${id}@e2e.example`;
          await server.testDb.db.query(
            `INSERT INTO organisations (id, name) VALUES ($1, $2);`,
            [`org-${id}`, `${name} Studio`],
          );
          await server.testDb.db.query(
            `INSERT INTO users (id, email, name, role, org_id, password_hash) VALUES ($1, $2, $3, 'supplier', $4, $5)`,
            [id, email, name, `org-${id}`, await hashPassword(DEMO_PASSWORD)],
          );
          return email;
        },
        async experimentTraffic() {
          let phone = 123400;
          for (let i = 0; i < MIN_PEOPLE; i++) {
            const email = await world.newSupplier(`Arm Filler ${i}`);
            const id = (await server.testDb.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email]))[0]!.id;
            const rows = channels.flatMap((channel) =>
              variants.map((variant) => ({
                newDocumentState: newInvitation(id, { channel, variant, deviceId: `filler-${id}`, recipientPhone: channel === 'email' ? null : `+447911${phone++}` }),
                assumedMasterState: null,
              })),
            );
            const res = await (await server.as(email)).push('invitations', rows);
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(rows.map(() => 'applied'));
          }
        },
        async offline(context) {
          net.cut();
          await context.setOffline(true);
        },
        async online(context) {
          net.restore();
          await context.setOffline(false);
        },
      };
      await use(world);
      await net.close();
      await server.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ world }, use) => use(world.baseURL),
  // Every host any page or service worker of the test asked for.
  hosts: async ({ context }, use) => {
    const hosts = new Set<string>();
    context.on('request', (req) => {
      const url = new URL(req.url());
      if (url.protocol.startsWith('http') || url.protocol.startsWith('ws')) hosts.add(url.host);
    });
    await use(hosts);
  },
});


/** Waits until the service worker is activated (it controls pages loaded from then on). */
export async function waitForActiveServiceWorker(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? 'none'))
    .toBe('activated');
}

/** Makes sure the page is controlled by an activated service worker, reloading once after the first install. */
export async function ensureServiceWorkerControls(page: Page): Promise<void> {
  await waitForActiveServiceWorker(page);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
}

export { expect };
