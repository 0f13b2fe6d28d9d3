import { randomBytes } from 'node:crypto';
import { fixedClock } from '../../../shared/domain/common';
import {
  DEFAULT_PROGRAMS,
  DEFAULT_INCENTIVE_RULES,
  GrowthConfig,
  PointsExpiryConfig,
  ReferralConfig,
  RewardBudgetConfig,
  type LoyaltyPorts,
  type LoyaltyRules,
} from '../../../shared/domain/loyalty';
import { InMemoryCheckinProgramStore } from './checkin-program-store';
import { InMemoryCouponStore } from './coupon-store';
import { InMemoryDrawEntryStore } from './draw-entry-store';
import { InMemoryExpiryWatchStore } from './expiry-watch-store';
import { InMemoryLedgerStore } from './ledger-store';
import { InMemoryGrowthPublisher, InMemoryLevelChangeLog } from './level-change-log';
import { InMemoryLoyaltyMessenger } from './loyalty-messenger';
import { InMemoryLoyaltyProfiles } from './loyalty-profiles';
import { InMemoryReferralStore } from './referral-store';
import { InMemoryReportCounters } from './report-counters';
import { InMemoryRewardBudget } from './reward-budget-store';

/** The domain's default rules, with a budget of `monthlyBudget` that queues what does not fit. */
export function defaultLoyaltyRules(monthlyBudget = 100_000): LoyaltyRules {
  return {
    programs: [...DEFAULT_PROGRAMS],
    growth: GrowthConfig.parse({}),
    referral: ReferralConfig.parse({}),
    budget: RewardBudgetConfig.parse({ monthlyBudget, whenExhausted: 'queue-for-next-month' }),
    incentives: DEFAULT_INCENTIVE_RULES,
    points: PointsExpiryConfig.parse({}),
  };
}

/** Every loyalty port in memory (incentives aside), on a fixed clock; each fake is exposed for assertions. */
export function fakeLoyaltyPorts(options: { at?: string; rules?: LoyaltyRules } = {}) {
  const budget = new InMemoryRewardBudget();
  return {
    clock: fixedClock(options.at ?? '2026-03-02T01:00:00Z'),
    rules: options.rules ?? defaultLoyaltyRules(),
    ledger: new InMemoryLedgerStore(),
    programs: new InMemoryCheckinProgramStore(),
    expiryWatch: new InMemoryExpiryWatchStore(),
    coupons: new InMemoryCouponStore(budget),
    drawEntries: new InMemoryDrawEntryStore(),
    referrals: new InMemoryReferralStore(),
    reportCounters: new InMemoryReportCounters(),
    budget,
    levelChanges: new InMemoryLevelChangeLog(),
    levelChangePublisher: new InMemoryGrowthPublisher(),
    messages: new InMemoryLoyaltyMessenger(),
    profiles: new InMemoryLoyaltyProfiles(),
    randomBytes: (length: number) => randomBytes(length),
  } satisfies Omit<LoyaltyPorts, 'incentives'>;
}
