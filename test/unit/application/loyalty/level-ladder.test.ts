import { describe, expect, it } from 'vitest';
import { countGrowthEvent, pointsOf } from '../../../../shared/application/loyalty';
import type { BehaviourEvent } from '../../../../shared/domain/events/behaviour-event';
import { GrowthConfig } from '../../../../shared/domain/loyalty';
import { defaultLoyaltyRules, fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

const purchase = (orderId: string, amount: number): BehaviourEvent =>
  ({ userId: 'u1', type: 'purchase', eventId: `e-${orderId}`, orderId, amount, currency: 'CNY', timestamp: '2026-03-02T01:00:00.000Z' }) as BehaviourEvent;
const refund = (eventId: string, amount: number): BehaviourEvent =>
  ({ userId: 'u1', type: 'refund', eventId, orderId: 'o1', amount, timestamp: '2026-03-02T02:00:00.000Z' }) as BehaviourEvent;

/** A four-rung ladder: newcomer village, growth zone, expert hall, VIP at 1,000. */
const ladder = GrowthConfig.parse({
  levels: [
    { name: 'newcomer', minGrowth: 0, names: { 'zh-CN': '新手村', en: 'Newcomer village' } },
    { name: 'growth', minGrowth: 200, names: { 'zh-CN': '成长区', en: 'Growth zone' } },
    { name: 'expert', minGrowth: 500, names: { 'zh-CN': '专家殿堂', en: 'Expert hall' } },
    { name: 'vip', minGrowth: 1000, names: { 'zh-CN': 'VIP', en: 'VIP' }, perks: ['priority support'] },
  ],
  levelUpMessage: 'core',
});

describe('the level ladder', () => {
  it('tells the user of a level-up once, through the send path, with the configured priority', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts({ rules: { ...defaultLoyaltyRules(), growth: ladder } });

    // Act
    await countGrowthEvent(ports, purchase('o1', 600));
    await countGrowthEvent(ports, purchase('o1', 600));
    const view = await pointsOf(ports, 'u1');

    // Assess: 0 → 600 crosses two rungs in one change (newcomer → expert).
    expect(ports.levelChangePublisher.published.map((change) => [change.from, change.to, change.direction])).toEqual([['newcomer', 'expert', 'up']]);
    expect(ports.messages.sent).toEqual([
      expect.objectContaining({ kind: 'level-up', userId: 'u1', priority: 'core', level: expect.objectContaining({ name: 'expert' }) }),
    ]);
    expect(view).toMatchObject({ level: 'expert', levelDetail: { names: { en: 'Expert hall' } }, nextLevel: { name: 'vip', minGrowth: 1000 } });
  });

  it('moves the level down once on a refund that crosses a threshold, and sends no message for it', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts({ rules: { ...defaultLoyaltyRules(), growth: ladder } });
    await countGrowthEvent(ports, purchase('o1', 1000));

    // Act
    await countGrowthEvent(ports, refund('r1', 600));
    await countGrowthEvent(ports, refund('r1', 600));

    // Assess
    expect(ports.levelChangePublisher.published.map((change) => [change.from, change.to, change.direction])).toEqual([
      ['newcomer', 'vip', 'up'],
      ['vip', 'growth', 'down'],
    ]);
    expect(ports.messages.sent.map((message) => message.kind)).toEqual(['level-up']);
    expect((await pointsOf(ports, 'u1')).level).toBe('growth');
  });

  it('sends nothing when level-up messages are off', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts({ rules: { ...defaultLoyaltyRules(), growth: { ...ladder, levelUpMessage: 'off' } } });

    // Act
    await countGrowthEvent(ports, purchase('o1', 1200));

    // Assess
    expect(ports.levelChangePublisher.published).toHaveLength(1);
    expect(ports.messages.sent).toEqual([]);
  });
});
