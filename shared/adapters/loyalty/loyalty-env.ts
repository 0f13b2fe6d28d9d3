import { ENV } from '../../config/tables';

/** Environment variables of the loyalty functions (set by infra/features/loyalty.ts). */
export const LOYALTY_ENV = {
  monthlyRewardBudget: 'LOYALTY_MONTHLY_REWARD_BUDGET',
  whenBudgetExhausted: 'LOYALTY_WHEN_BUDGET_EXHAUSTED',
  aggregateRetentionDays: ENV.aggregateRetentionDays,
  /** The key-behaviour incentive rules, a JSON array of `IncentiveRule` (from the CDK settings). */
  incentiveRules: 'LOYALTY_INCENTIVE_RULES',
  /** The programs users can enrol in, a JSON array of `ProgramDefinition` (from the CDK settings). */
  programs: 'LOYALTY_PROGRAMS',
  /** The growth ladder and the level-up message's priority, a JSON `GrowthConfig` (from the CDK settings). */
  growthLadder: 'LOYALTY_GROWTH_LADDER',
  /** Points expire this many days after they were granted, oldest first. */
  pointsExpireAfterDays: 'LOYALTY_POINTS_EXPIRE_AFTER_DAYS',
  /** How many days before points expire the user is told (0: not told). */
  pointsExpiryNoticeDays: 'LOYALTY_POINTS_EXPIRY_NOTICE_DAYS',
} as const;

/** Defaults the CDK app deploys with. The budget is in currency units of amount-off coupons. */
export const LOYALTY_DEFAULTS = {
  monthlyRewardBudget: 100_000,
  whenBudgetExhausted: 'queue-for-next-month',
  pointsExpireAfterDays: 365,
  pointsExpiryNoticeDays: 30,
} as const;
