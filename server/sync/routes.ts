/**
 * HTTP edge of sync: `POST /api/sync/:collection/pull|push`. Each handler checks the protocol
 * version, parses with the shared schema, calls one function, and maps the result.
 */
import express, { type Express, type Request } from 'express';
import { ErrorCode } from '../../shared/errors';
import { canInvite, type SessionUser } from '../../shared/roles';
import {
  EventPushRequest,
  InvitationPushRequest,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PullRequest,
  SyncCollection,
  pushCollections,
} from '../../shared/sync/protocol';
import { requireUser } from '../auth/routes';
import type { Db } from '../db/db';
import { commitDelay } from '../faults';
import { HttpError, parse } from '../http/errors';
import type { Live } from '../live/socket';
import { pullMetrics, type MetricsPublisher } from '../viral/metricsPublisher';
import type { InvitationDoc } from '../../shared/invitation';
import { pullEvents, pushEvents } from './events';
import type { CreateGate } from './gates';
import { pullInvitations, pushInvitations, readInvitations } from './invitations';

/** The account's creation time comes with the session (no extra query per push). */
const accountCreatedAt = (user: SessionUser): Date => new Date(user.createdAt ?? 0);

/** Whose own figures a write may change: the inviters, and the people the invitations are for. */
const touched = (docs: readonly InvitationDoc[]) => ({ userIds: docs.map((d) => d.inviterId), emails: docs.map((d) => d.recipientEmail) });

export interface SyncDeps {
  db: Db;
  live: Live;
  metrics: MetricsPublisher;
  /** Checks on new invitations (rate limits, fraud), in order; see gates.ts. */
  gates?: readonly CreateGate[];
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
    const pulls = {
      invitations: () => pullInvitations(deps.db, user, body.checkpoint, body.batchSize),
      metrics: async () => {
        await deps.metrics.ensureUser(user.id);
        return pullMetrics(deps.db, user, body.checkpoint, body.batchSize);
      },
      viral_events: () => pullEvents(deps.db, user, body.checkpoint, body.batchSize),
    } as const;
    res.json(await pulls[collection]());
  });

  router.post('/:collection/push', async (req, res) => {
    checkProtocol(req);
    const user = requireUser(req);
    const collection = collectionOf(req);
    if (!pushCollections.includes(collection)) {
      throw new HttpError(ErrorCode.FORBIDDEN, `${collection} are computed by the server and cannot be pushed`);
    }
    if (collection === 'viral_events') {
      const body = parse(EventPushRequest, req.body);
      const author = { ...user, createdAt: accountCreatedAt(user) };
      const outcome = await deps.db.transaction(async (tx) => {
        const pushed = await pushEvents(tx, author, body.rows.map((r) => r.newDocumentState), new Date());
        const moved = await readInvitations(tx, pushed.movedInvitations);
        await commitDelay();
        return { ...pushed, moved };
      });
      deps.live.eventsCreated(outcome.events, { requestId: req.id });
      if (outcome.moved.length > 0) {
        deps.live.invitationsChanged(outcome.moved, { requestId: req.id });
        deps.metrics.markDirty(touched(outcome.moved));
      }
      res.json({ results: outcome.results });
      return;
    }
    if (!canInvite(user.role)) throw new HttpError(ErrorCode.FORBIDDEN, `a ${user.role} cannot create invitations`);
    const body = parse(InvitationPushRequest, req.body);
    const author = { ...user, createdAt: accountCreatedAt(user) };
    const outcome = await deps.db.transaction(async (tx) => {
      const pushed = await pushInvitations(tx, author, body.rows, new Date(), deps.gates);
      await commitDelay();
      return pushed;
    });
    if (outcome.events.length > 0) deps.live.eventsCreated(outcome.events, { requestId: req.id });
    if (outcome.changed.length > 0) {
      deps.live.invitationsChanged(outcome.changed, { requestId: req.id });
      deps.metrics.markDirty(touched(outcome.changed));
    }
    res.json({ results: outcome.results });
  });

  app.use('/api/sync', router);
}
