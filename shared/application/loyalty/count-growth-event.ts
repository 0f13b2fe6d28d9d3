import { countGrowthAndPublish, growthLevelNamed, rewardForRefereePurchase, type GrowthOutcome, type LoyaltyPorts } from '../../domain/loyalty';
import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import { grantRewards, type AppliedGrant, type GrantPorts } from './reward-grants';

/** What one raw purchase or refund event did to growth (and to the referrer's rewards). */
export interface GrowthEventResult {
  readonly growth: GrowthOutcome;
  readonly referralReward: AppliedGrant[];
}

/**
 * Counts a stored purchase or refund towards growth; other events are not growth (`undefined`).
 * A purchase counts once per order id (a producer re-sending an order under a new event id adds
 * nothing); a refund once per event id, since an order can be refunded in parts. A referred
 * user's purchase earns the referrer the first-purchase coupon (once per referee, by id), through
 * the budget. Level changes are recorded and published (EventBridge `GrowthLevelChanged`) at least once,
 * up and down; a level-up also tells the user through the one send path (priority as configured).
 */
export async function countGrowthEvent(
  ports: GrantPorts & Pick<LoyaltyPorts, 'levelChanges' | 'levelChangePublisher' | 'referrals'>,
  event: BehaviourEvent,
): Promise<GrowthEventResult | undefined> {
  const occurredAt = new Date(event.timestamp).toISOString();
  const growthPorts = { ledger: ports.ledger, levelChanges: ports.levelChanges, publisher: ports.levelChangePublisher };
  let growth: GrowthOutcome;
  switch (event.type) {
    case 'purchase':
      growth = await countGrowthAndPublish(
        growthPorts,
        { kind: 'purchase', eventId: event.orderId, userId: event.userId, amount: event.amount, currency: event.currency, occurredAt },
        ports.rules.growth,
      );
      break;
    case 'refund':
      // Refund events carry no currency; XXX is ISO 4217's "no currency" (growth ignores currency).
      growth = await countGrowthAndPublish(
        growthPorts,
        { kind: 'refund', eventId: event.eventId, userId: event.userId, amount: event.amount, currency: 'XXX', occurredAt },
        ports.rules.growth,
      );
      break;
    default:
      return undefined;
  }
  if (growth.kind === 'growth-changed' && growth.levelChange?.direction === 'up' && ports.rules.growth.levelUpMessage !== 'off') {
    const change = growth.levelChange;
    // Once per level change, by its id: a redelivered event is `already-counted` and sends nothing.
    await ports.messages.send(
      {
        kind: 'level-up',
        messageId: change.eventId,
        userId: change.userId,
        programId: 'growth',
        level: growthLevelNamed(change.to, ports.rules.growth),
        priority: ports.rules.growth.levelUpMessage,
      },
      new Date(change.occurredAt),
    );
  }
  let referralReward: AppliedGrant[] = [];
  if (event.type === 'purchase' && growth.kind !== 'already-counted') {
    const reward = rewardForRefereePurchase(await ports.referrals.referralOf(event.userId), { userId: event.userId, occurredAt }, ports.rules.referral);
    if (reward.kind === 'reward') referralReward = await grantRewards(ports, reward.grants);
  }
  return { growth, referralReward };
}
