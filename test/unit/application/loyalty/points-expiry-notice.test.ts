import { describe, expect, it } from 'vitest';
import { sweepCheckinPrograms } from '../../../../shared/application/loyalty';
import { MS_PER_DAY } from '../../../../shared/domain/common';
import { expiryWatchWakeOf, ledgerEntryIds, PointsExpiryConfig, type GrantEntry, type LoyaltyMessage } from '../../../../shared/domain/loyalty';
import { defaultLoyaltyRules, fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

type Ports = ReturnType<typeof fakeLoyaltyPorts>;

/** Points expire 30 days after their grant; the notice goes 5 days before. */
const points = PointsExpiryConfig.parse({ expireAfterDays: 30, noticeDaysBefore: 5 });

/** A points grant now, arming the watch as the DynamoDB ledger does in the grant's transaction. */
async function grant(ports: Ports, id: string, amount: number): Promise<void> {
  const entry: GrantEntry = {
    kind: 'grant',
    id: ledgerEntryIds.adjustment('u1', id),
    userId: 'u1',
    account: 'points',
    reason: 'incentive',
    amount,
    occurredAt: ports.clock.now().toISOString(),
  };
  await ports.ledger.append(entry);
  ports.expiryWatch.arm('u1', expiryWatchWakeOf(points)(entry)!);
}

/** One run of the sweep at the clock's time, with the watch as the wake index holds it. */
async function sweepAt(ports: Ports, day: number, start: number) {
  ports.clock.set(new Date(start + day * MS_PER_DAY));
  const watch = ports.expiryWatch.watches.get('u1');
  ports.programs.wakeUpsDue = watch?.wakeAt ? [{ kind: 'points-expiry', userId: 'u1', wakeAt: watch.wakeAt }] : [];
  return sweepCheckinPrograms(ports, { limitPerShard: 10 });
}

const notices = (ports: Ports) =>
  ports.messages.sent.filter((message): message is Extract<LoyaltyMessage, { kind: 'points-expiring' }> => message.kind === 'points-expiring');

describe('the points-expiry notice', () => {
  it('tells the user once per expiring grant, ahead of its expiry, then expires the oldest points on time', async () => {
    // Prepare: 100 points on day 0, 40 of them spent on day 2, 50 more on day 10.
    const ports = fakeLoyaltyPorts({ at: '2026-03-01T00:00:00Z', rules: { ...defaultLoyaltyRules(), points } });
    const start = ports.clock.now().getTime();
    await grant(ports, 'first', 100);
    ports.clock.set(new Date(start + 2 * MS_PER_DAY));
    await ports.ledger.append({
      kind: 'redemption',
      id: 'r1',
      userId: 'u1',
      account: 'points',
      amount: 40,
      reference: 'mug',
      occurredAt: ports.clock.now().toISOString(),
    });
    ports.clock.set(new Date(start + 10 * MS_PER_DAY));
    await grant(ports, 'second', 50);

    // Act: the sweep on day 24 (before any notice), 25 (the first grant's), 25 again, 30 (its expiry), 35 (the second's notice).
    const early = await sweepAt(ports, 24, start);
    const firstNotice = await sweepAt(ports, 25, start);
    const repeat = await sweepAt(ports, 25.5, start);
    const sentBeforeExpiry = notices(ports).length;
    await sweepAt(ports, 30, start);
    const balanceAfterExpiry = (await ports.ledger.balance('u1', 'points')).amount;
    await sweepAt(ports, 35, start);

    // Assess
    expect(early.expiryNotices).toBe(0);
    expect(firstNotice.expiryNotices).toBe(1);
    expect(repeat.expiryNotices).toBe(0);
    expect(sentBeforeExpiry).toBe(1);
    // What is left of the first grant (100 − 40) expires first; the second's 50 stay, then get their own notice.
    expect(balanceAfterExpiry).toBe(50);
    expect(notices(ports).map((notice) => [notice.amount, notice.expiresAt])).toEqual([
      [60, new Date(start + 30 * MS_PER_DAY).toISOString()],
      [50, new Date(start + 40 * MS_PER_DAY).toISOString()],
    ]);
    expect(new Set(notices(ports).map((notice) => notice.messageId)).size).toBe(2);
  });

  it('leaves the index once no points are left to watch', async () => {
    // Prepare: 10 points, all spent.
    const ports = fakeLoyaltyPorts({ at: '2026-03-01T00:00:00Z', rules: { ...defaultLoyaltyRules(), points } });
    const start = ports.clock.now().getTime();
    await grant(ports, 'only', 10);
    await ports.ledger.append({
      kind: 'redemption',
      id: 'r1',
      userId: 'u1',
      account: 'points',
      amount: 10,
      reference: 'mug',
      occurredAt: ports.clock.now().toISOString(),
    });

    // Act
    const swept = await sweepAt(ports, 25, start);

    // Assess
    expect(swept).toMatchObject({ expiryWatches: 1, expiryNotices: 0, rescheduled: 1 });
    expect(ports.expiryWatch.watches.get('u1')?.wakeAt).toBeUndefined();
  });
});
