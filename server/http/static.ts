/**
 * Serves the built PWA. The service worker and the HTML shell are never cached by the browser
 * (so an update is found); hashed assets are cached for a year. Unknown non-API paths get the
 * shell, so deep links like /invite/:code work.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express } from 'express';

const NOT_SPA = /^\/(api|socket\.io|healthz|readyz|metrics)(\/|$)/;

export function installStatic(app: Express, dir: string): boolean {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  app.use(
    express.static(root, {
      index: false,
      setHeaders(res, path) {
        if (/\/(sw\.js|workbox-[^/]+\.js|index\.html|manifest\.webmanifest)$/.test(path)) {
          res.setHeader('Cache-Control', 'no-cache');
        } else if (path.includes('/assets/')) {
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        }
      },
    }),
  );
  app.get(/.*/, (req, res, next) => {
    if (NOT_SPA.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
