/**
 * The owner's review queue on the wire (`GET /api/fraud/queue`, `POST /api/fraud/:id/clear|confirm`):
 * what each held or blocked item shows, and the decision the owner sends back.
 */
import { z } from 'zod';
import { weights, type ReasonCode } from './policy';

const reasonCodes = Object.keys(weights) as [ReasonCode, ...ReasonCode[]];

export const QueueItem = z.object({
  id: z.string(),
  subject: z.enum(['invitation', 'acceptance']),
  invitationId: z.string(),
  inviterId: z.string(),
  inviterName: z.string(),
  /** Who accepted (acceptances). */
  acceptorName: z.string().nullable(),
  recipientEmail: z.string(),
  outcome: z.enum(['allow', 'review', 'block']),
  score: z.number(),
  ruleScore: z.number(),
  modelScore: z.number().nullable(),
  modelVersion: z.string().nullable(),
  reasons: z.array(z.object({ code: z.enum(reasonCodes), weight: z.number(), detail: z.string() })),
  modelReasons: z.array(z.object({ feature: z.string(), label: z.string(), contribution: z.number() })),
  reviewState: z.enum(['none', 'pending', 'cleared', 'confirmed']),
  /** The inviter's reward for it (acceptances). */
  reward: z.enum(['pending', 'held', 'granted', 'clawed_back']).nullable(),
  createdAt: z.string(),
});
export type QueueItem = z.infer<typeof QueueItem>;

export const QueueResponse = z.object({ items: z.array(QueueItem), pending: z.number().int().nonnegative() });
export type QueueResponse = z.infer<typeof QueueResponse>;

export const ReviewDecision = z.enum(['clear', 'confirm']);
export type ReviewDecision = z.infer<typeof ReviewDecision>;
