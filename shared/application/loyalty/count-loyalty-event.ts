import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import type { LoyaltyPorts } from '../../domain/loyalty';
import { countGrowthEvent, type GrowthEventResult } from './count-growth-event';
import { countIncentiveEvent, type IncentiveEventResult } from './incentives';
import { countProgramEvent, type ProgramEventResult } from './count-program-event';

/** What one raw event did to loyalty: growth (purchases and refunds only), each incentive rule on its type, each program whose daily action it is. */
export interface LoyaltyEventResult {
  readonly growth: GrowthEventResult | undefined;
  readonly incentives: readonly IncentiveEventResult[];
  readonly programs: readonly ProgramEventResult[];
}

/**
 * Counts one stored raw event towards loyalty, as the raw-event stream delivers it: growth first
 * (with the referrer's first-purchase reward), then incentive progress, then the daily action of
 * event-driven programs. All are idempotent by id, so a redelivered event changes nothing.
 */
export async function countLoyaltyEvent(ports: LoyaltyPorts, event: BehaviourEvent): Promise<LoyaltyEventResult> {
  const growth = await countGrowthEvent(ports, event);
  const incentives = await countIncentiveEvent(ports, event);
  const programs = await countProgramEvent(ports, event);
  return { growth, incentives, programs };
}
