import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import type { LoyaltyPorts } from '../../domain/loyalty';
import { countGrowthEvent, type GrowthEventResult } from './count-growth-event';
import { countIncentiveEvent, type IncentiveEventResult } from './incentives';

/** What one raw event did to loyalty: growth (purchases and refunds only) and each incentive rule on its type. */
export interface LoyaltyEventResult {
  readonly growth: GrowthEventResult | undefined;
  readonly incentives: readonly IncentiveEventResult[];
}

/**
 * Counts one stored raw event towards loyalty, as the raw-event stream delivers it: growth first
 * (with the referrer's first-purchase reward), then incentive progress. Both are idempotent by id,
 * so a redelivered event changes nothing.
 */
export async function countLoyaltyEvent(ports: LoyaltyPorts, event: BehaviourEvent): Promise<LoyaltyEventResult> {
  const growth = await countGrowthEvent(ports, event);
  const incentives = await countIncentiveEvent(ports, event);
  return { growth, incentives };
}
