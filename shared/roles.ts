/**
 * Roles and what each may do. The server enforces these on every route, sync call and socket
 * room; the client reads them only to decide what to show.
 */
import { z } from 'zod';

export const roles = ['supplier', 'couple', 'coordinator', 'owner'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

/** Who may create invitations: suppliers and couples (both are actors in the viral loop). */
export function canInvite(role: Role): boolean {
  return role === 'supplier' || role === 'couple';
}

/** Which invitations a role sees through sync. */
export type InvitationScope = 'own' | 'organisation' | 'none';
export function invitationScope(role: Role): InvitationScope {
  switch (role) {
    case 'supplier':
    case 'couple':
      return 'own';
    case 'coordinator':
      return 'organisation';
    case 'owner':
      return 'none';
  }
}

/** Who watches the platform dashboard room (live metrics for everyone signed in). */
export function isAdmin(role: Role): boolean {
  return role === 'owner';
}

export const SessionUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  orgId: z.string().nullable(),
  orgName: z.string().nullable(),
  /** When the account was made (ISO): bounds the capture times its writes may claim. */
  createdAt: z.string().optional(),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const LoginRequest = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.infer<typeof LoginRequest>;
