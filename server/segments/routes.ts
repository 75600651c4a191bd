/**
 * Marketing segments over HTTP, for the platform owner only (anyone else: 403 FORBIDDEN; no
 * session: 401 UNAUTHENTICATED).
 *
 *   GET    /api/segments                      every segment with its rule and member count
 *   POST   /api/segments  { name, rule }      a custom segment (400 INVALID_INPUT naming the problem)
 *   DELETE /api/segments/:id                  a custom one (built-ins: 400 INVALID_INPUT)
 *   GET    /api/segments/:id/members          its members with their profiles
 *   GET    /api/segments/:id/export?format=csv|json   the same, as a file to download
 */
import express, { type Express, type Request } from 'express';
import { z } from 'zod';
import { SegmentDefinition } from '../../shared/analytics/segments';
import { ErrorCode } from '../../shared/errors';
import { isAdmin, type SessionUser } from '../../shared/roles';
import { requireUser } from '../auth/routes';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import { exportFormats, exportMembers } from './export';
import { createSegment, deleteSegment, listSegments, membersOf } from './service';

export interface SegmentsDeps {
  db: Db;
  /** Segments changed (created, deleted): the owner's snapshot should be recomputed. */
  onChange?: () => void;
}

const NewSegment = SegmentDefinition.omit({ id: true });
const ExportQuery = z.strictObject({ format: z.enum(exportFormats).default('csv') });

function requireOwner(req: Request): SessionUser {
  const user = requireUser(req);
  if (!isAdmin(user.role)) throw new HttpError(ErrorCode.FORBIDDEN, 'only the platform owner may see or change marketing segments');
  return user;
}

export function installSegments(app: Express, deps: SegmentsDeps): void {
  const { db } = deps;
  const router = express.Router();

  router.get('/', async (req, res) => {
    requireOwner(req);
    res.json(await listSegments(db));
  });

  router.post('/', async (req, res) => {
    const user = requireOwner(req);
    const input = parse(NewSegment, req.body);
    const segment = await createSegment(db, input, user.id, new Date());
    deps.onChange?.();
    const created = (await listSegments(db)).segments.find((s) => s.id === segment.id);
    res.status(201).json({ segment: created ?? { ...segment, members: 0, changedAt: null } });
  });

  router.delete('/:id', async (req, res) => {
    requireOwner(req);
    const result = await deleteSegment(db, req.params.id, new Date());
    deps.onChange?.();
    res.json({ deleted: req.params.id, ...result });
  });

  router.get('/:id/members', async (req, res) => {
    requireOwner(req);
    const { segment, members } = await membersOf(db, req.params.id, new Date());
    res.json({ segment, members });
  });

  router.get('/:id/export', async (req, res) => {
    requireOwner(req);
    const { format } = parse(ExportQuery, req.query);
    const now = new Date();
    const { segment, members } = await membersOf(db, req.params.id, now);
    const file = exportMembers(segment, members, format, now);
    res.attachment(file.filename).set({ 'content-type': file.contentType, 'cache-control': 'no-store' }).send(file.body);
  });

  app.use('/api/segments', router);
}
