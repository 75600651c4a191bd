/**
 * Integrations over HTTP. Everything but the schemas is for the platform owner only (no session:
 * 401 UNAUTHENTICATED; anyone else: 403 FORBIDDEN).
 *
 *   GET    /api/webhooks/endpoints                    endpoints with status and delivery counts
 *   POST   /api/webhooks/endpoints  { url, description?, eventTypes, segmentIds? }
 *                                                     201 { endpoint, secret } (the secret only here)
 *   GET    /api/webhooks/endpoints/:id                one endpoint
 *   DELETE /api/webhooks/endpoints/:id                removes it with its outbox and log
 *   POST   /api/webhooks/endpoints/:id/enable         turns a disabled endpoint back on
 *   GET    /api/webhooks/endpoints/:id/attempts?limit=&before=   the delivery log, newest first
 *   POST   /api/webhooks/endpoints/:id/replay  { eventId }       202 { deliveryId, eventType }
 *   GET    /api/webhooks/notices                      disabled endpoints the owner should know of
 *   GET    /api/marketing/feed                        per segment: recent changes and receiving endpoints
 *   GET    /api/export/:dataset?format=csv|json&from=&to=&type=  a streamed export (privacy applied)
 *   GET    /api/schemas                               index of the published JSON Schemas (public)
 *   GET    /api/schemas/:name                         one schema: `name` (latest) or `name.v<n>` (public)
 */
import express, { type Express, type Request } from 'express';
import { z } from 'zod';
import { ErrorCode } from '../../shared/errors';
import { findSchema, publishedSchemas, schemaEntry, toJsonSchema } from '../../shared/integrations/catalog';
import { ExportDataset, ExportQuery } from '../../shared/integrations/exports';
import { NewEndpoint, ReplayRequest } from '../../shared/integrations/webhooks';
import { isAdmin, type SessionUser } from '../../shared/roles';
import { requireUser } from '../auth/routes';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import { streamExport } from './exports';
import { marketingFeed } from './marketingFeed';
import { createEndpoint, deleteEndpoint, enableEndpoint, endpointNotices, getEndpoint, listAttempts, listEndpoints, replayEvent } from './store';

export interface RoutesDeps {
  db: Db;
  /** New deliveries were queued (a replay): wake the workers. */
  queued: () => void;
  /** Production: endpoints must be https. */
  requireHttps: boolean;
}

function requireOwner(req: Request): SessionUser {
  const user = requireUser(req);
  if (!isAdmin(user.role)) throw new HttpError(ErrorCode.FORBIDDEN, 'only the platform owner may manage integrations and exports');
  return user;
}

const endpointId = (req: Request): string => {
  const id = z.uuid().safeParse(req.params.id);
  if (!id.success) throw new HttpError(ErrorCode.NOT_FOUND, `there is no webhook endpoint ${JSON.stringify(req.params.id)}`);
  return id.data;
};

const LogQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export function installIntegrationRoutes(app: Express, deps: RoutesDeps): void {
  const { db } = deps;
  const hooks = express.Router();

  hooks.get('/endpoints', async (req, res) => {
    requireOwner(req);
    res.json({ endpoints: await listEndpoints(db) });
  });

  hooks.post('/endpoints', async (req, res) => {
    const user = requireOwner(req);
    const input = parse(NewEndpoint, req.body);
    if (deps.requireHttps && !input.url.startsWith('https://')) throw new HttpError(ErrorCode.INVALID_INPUT, 'url: must be an https:// URL');
    res.status(201).json(await createEndpoint(db, input, user.id));
  });

  hooks.get('/endpoints/:id', async (req, res) => {
    requireOwner(req);
    res.json({ endpoint: await getEndpoint(db, endpointId(req)) });
  });

  hooks.delete('/endpoints/:id', async (req, res) => {
    requireOwner(req);
    const id = endpointId(req);
    await deleteEndpoint(db, id);
    res.json({ deleted: id });
  });

  hooks.post('/endpoints/:id/enable', async (req, res) => {
    requireOwner(req);
    const endpoint = await enableEndpoint(db, endpointId(req));
    deps.queued();
    res.json({ endpoint });
  });

  hooks.get('/endpoints/:id/attempts', async (req, res) => {
    requireOwner(req);
    const q = parse(LogQuery, req.query);
    res.json({ attempts: await listAttempts(db, endpointId(req), q.limit, q.before) });
  });

  hooks.post('/endpoints/:id/replay', async (req, res) => {
    requireOwner(req);
    const { eventId } = parse(ReplayRequest, req.body);
    const queued = await replayEvent(db, endpointId(req), eventId);
    deps.queued();
    res.status(202).json(queued);
  });

  hooks.get('/notices', async (req, res) => {
    requireOwner(req);
    res.json({ notices: await endpointNotices(db) });
  });

  app.use('/api/webhooks', hooks);

  app.get('/api/marketing/feed', async (req, res) => {
    requireOwner(req);
    res.json({ segments: await marketingFeed(db) });
  });

  app.get('/api/export/:dataset', async (req, res) => {
    requireOwner(req);
    const dataset = ExportDataset.safeParse(req.params.dataset);
    if (!dataset.success) throw new HttpError(ErrorCode.NOT_FOUND, `there is no export ${JSON.stringify(req.params.dataset)}; known: ${ExportDataset.options.join(', ')}`);
    const q = parse(ExportQuery, req.query);
    try {
      await streamExport(res, db, dataset.data, q, new Date());
    } catch (err) {
      // Once the file has begun, an error can only cut it short (the client sees a broken download).
      if (!res.headersSent) throw err;
      res.destroy(err as Error);
    }
  });

  app.get('/api/schemas', (_req, res) => {
    res.json({ schemas: publishedSchemas.map(schemaEntry) });
  });

  app.get('/api/schemas/:name', (req, res) => {
    const found = findSchema(req.params.name);
    if (!found) throw new HttpError(ErrorCode.NOT_FOUND, `there is no schema ${JSON.stringify(req.params.name)}; GET /api/schemas lists them`);
    res.type('application/schema+json').send(JSON.stringify(toJsonSchema(found), null, 2));
  });
}
