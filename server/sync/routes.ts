/**
 * HTTP edge of sync: `POST /api/sync/:collection/pull|push`. Each handler checks the protocol
 * version, parses with the shared schema, calls one function, and maps the result.
 */
import express, { type Express, type Request } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { ErrorCode } from '../../shared/errors';
import { canInvite } from '../../shared/roles';
import {
  InvitationPushRequest,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PullRequest,
  SyncCollection,
  pushCollections,
} from '../../shared/sync/protocol';
import { requireUser } from '../auth/routes';
import type { Db } from '../db/db';
import { HttpError, parse } from '../http/errors';
import type { Live } from '../live/socket';
import { pullMetrics, type MetricsPublisher } from '../viral/metricsPublisher';
import { pullInvitations, pushInvitations } from './invitations';

export interface SyncDeps {
  db: Db;
  live: Live;
  metrics: MetricsPublisher;
}

function collectionOf(req: Request): SyncCollection {
  const result = SyncCollection.safeParse(req.params.collection);
  if (!result.success) throw new HttpError(ErrorCode.UNKNOWN_COLLECTION, `no collection named ${String(req.params.collection)}`);
  return result.data;
}

function checkProtocol(req: Request): void {
  const sent = Number(req.get(PROTOCOL_HEADER));
  if (sent !== PROTOCOL_VERSION) {
    throw new HttpError(
      ErrorCode.PROTOCOL_OUTDATED,
      `this app speaks sync protocol ${req.get(PROTOCOL_HEADER) ?? 'none'}, the server ${PROTOCOL_VERSION}: please update`,
    );
  }
}

export function installSync(app: Express, deps: SyncDeps): void {
  const router = express.Router();

  router.post('/:collection/pull', async (req, res) => {
    checkProtocol(req);
    const user = requireUser(req);
    const collection = collectionOf(req);
    const body = parse(PullRequest, req.body);
    const page =
      collection === 'invitations'
        ? await pullInvitations(deps.db, user, body.checkpoint, body.batchSize)
        : await pullMetrics(deps.db, body.checkpoint, body.batchSize);
    res.json(page);
  });

  router.post('/:collection/push', async (req, res) => {
    checkProtocol(req);
    const user = requireUser(req);
    const collection = collectionOf(req);
    if (!pushCollections.includes(collection)) {
      throw new HttpError(ErrorCode.FORBIDDEN, `${collection} are computed by the server and cannot be pushed`);
    }
    if (!canInvite(user.role)) throw new HttpError(ErrorCode.FORBIDDEN, `a ${user.role} cannot create invitations`);
    const body = parse(InvitationPushRequest, req.body);
    const outcome = await deps.db.transaction((tx) => pushInvitations(tx, user, body.rows, uuidv7));
    if (outcome.changed.length > 0) {
      deps.live.invitationsChanged(outcome.changed);
      deps.metrics.markDirty();
    }
    res.json({ results: outcome.results });
  });

  app.use('/api/sync', router);
}
