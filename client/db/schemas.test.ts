import { describe, expect, it } from 'vitest';
import { InvitationDoc } from '../../shared/invitation';
import { MetricsDoc } from '../../shared/metrics';
import { invitationSchema, metricsSchema } from './schemas';

// The local schemas mirror the wire shapes: a field added to one and not the other would be
// dropped by RxDB or refused by the server.
describe('local RxDB schemas', () => {
  it.each([
    ['invitations', invitationSchema, InvitationDoc],
    ['metrics', metricsSchema, MetricsDoc],
  ] as const)('%s has exactly the fields of the shared document shape', (_name, schema, shape) => {
    const wire = Object.keys(shape.shape).filter((k) => k !== '_deleted').sort();
    expect(Object.keys(schema.properties).sort()).toEqual(wire);
  });

  it('every indexed field is required and bounded (the Dexie storage refuses otherwise)', () => {
    for (const schema of [invitationSchema, metricsSchema]) {
      for (const index of (schema.indexes ?? []).flat()) {
        expect(schema.required).toContain(index);
        expect((schema.properties as Record<string, { maxLength?: number }>)[index as string]?.maxLength).toBeGreaterThan(0);
      }
    }
  });
});
