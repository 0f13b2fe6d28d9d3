import { describe, expect, it } from 'vitest';
import {
  classifyReservation,
  defaultContactPolicyConfig,
  isReservable,
  messageIdFor,
  settleInDoubtReservation,
  type ReservationState,
} from '../../../shared/domain/messaging';

const config = defaultContactPolicyConfig.reservation;
const at = (iso: string) => new Date(iso);

describe('reservation states', () => {
  it('a key is reservable when new, released, or reserved with an expired lease', () => {
    const reserved: ReservationState = {
      status: 'reserved',
      attemptId: 'a',
      reservedAt: '2025-06-01T00:00:00.000Z',
      leaseExpiresAt: '2025-06-01T00:01:00.000Z',
    };
    expect(isReservable(undefined, at('2025-06-01T00:00:00.000Z'))).toBe(true);
    expect(isReservable(reserved, at('2025-06-01T00:00:59.999Z'))).toBe(false);
    expect(isReservable(reserved, at('2025-06-01T00:01:00.000Z'))).toBe(true);
    expect(isReservable({ status: 'released', attemptId: 'a', detail: 'x', releasedAt: '2025-06-01T00:00:00.000Z' }, at('2025-06-01T00:00:00.000Z'))).toBe(
      true,
    );
    expect(isReservable({ status: 'sending', attemptId: 'a', sendingSince: '2025-01-01T00:00:00.000Z' }, at('2025-06-01T00:00:00.000Z'))).toBe(false);
  });

  it('sending is in flight until the timeout, then in doubt', () => {
    const sending: ReservationState = { status: 'sending', attemptId: 'a', sendingSince: '2025-06-01T00:00:00.000Z' };
    expect(classifyReservation(sending, at('2025-06-01T00:04:00.000Z'), config)).toEqual({ kind: 'in-flight', retryAfterMs: 60_000 });
    expect(classifyReservation(sending, at('2025-06-01T00:05:00.000Z'), config)).toEqual({ kind: 'in-doubt', sendingSince: '2025-06-01T00:00:00.000Z' });
  });

  it('the sweep settles an in-doubt send from the provider evidence, and nothing else', () => {
    const sending: ReservationState = { status: 'sending', attemptId: 'a', sendingSince: '2025-06-01T00:00:00.000Z' };
    const later = at('2025-06-02T00:00:00.000Z');
    expect(settleInDoubtReservation(sending, { kind: 'provider-accepted', providerMessageId: 'ses-1', at: '2025-06-01T00:00:01.000Z' }, later, config)).toEqual(
      {
        status: 'sent',
        attemptId: 'a',
        providerMessageId: 'ses-1',
        sentAt: '2025-06-01T00:00:01.000Z',
      },
    );
    expect(settleInDoubtReservation(sending, { kind: 'no-provider-record', checkedAt: later.toISOString() }, later, config)?.status).toBe('released');
    expect(settleInDoubtReservation(sending, { kind: 'no-provider-record', checkedAt: '' }, at('2025-06-01T00:01:00.000Z'), config)).toBeUndefined();
  });

  it('message ids are stable per idempotency key and differ between keys', () => {
    expect(messageIdFor('exec-1:step-1')).toBe(messageIdFor('exec-1:step-1'));
    expect(messageIdFor('exec-1:step-1')).not.toBe(messageIdFor('exec-1:step-2'));
    expect(messageIdFor('exec-1:step-1')).toMatch(/^msg_[A-Za-z0-9_-]{26}$/);
  });
});
