import { grantRewards, type AppliedGrant } from '../../shared/application/loyalty';
import { fixedClock } from '../../shared/domain/common';
import type { CouponStore, DrawEntryStore, LoyaltyLedger, RewardGrant } from '../../shared/domain/loyalty';
import { defaultLoyaltyRules } from './fakes/loyalty-ports';
import { InMemoryLoyaltyMessenger } from './fakes/loyalty-messenger';
import { InMemoryRewardBudget } from './fakes/reward-budget-store';

/** The stores domain tests write rewards to. */
export interface RewardPorts {
  readonly ledger: LoyaltyLedger;
  readonly coupons: CouponStore;
  readonly drawEntries: DrawEntryStore;
}

/**
 * Applies grants through the one grant path (`grantRewards`) onto the given stores, with a budget
 * large enough never to hold a coupon back: for domain tests that check what the rules grant.
 */
export function applyRewardGrants(grants: readonly RewardGrant[], ports: RewardPorts): Promise<AppliedGrant[]> {
  const at =
    grants.map((grant) => (grant.kind === 'points' ? grant.entry.occurredAt : grant.kind === 'coupon' ? grant.coupon.issuedAt : grant.entry.enteredAt))[0] ??
    '2026-01-01T00:00:00Z';
  return grantRewards(
    {
      ...ports,
      budget: new InMemoryRewardBudget(),
      messages: new InMemoryLoyaltyMessenger(),
      clock: fixedClock(at),
      rules: defaultLoyaltyRules(Number.MAX_SAFE_INTEGER),
    },
    grants,
  );
}
