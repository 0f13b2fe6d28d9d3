import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { readConfig, positiveIntFromEnv } from '../config/read-config';
import { ENV, OperationsTableConfig, UsersTableConfig } from '../config/tables';
import type { Clock } from '../domain/common';
import {
  ProgramCatalogue,
  GrowthConfig,
  IncentiveRules,
  PointsExpiryConfig,
  ReferralConfig,
  RewardBudgetConfig,
  checkinWakeUpPolicy,
  expiryWatchWakeOf,
  type GrowthLevelChangePublisher,
  type LoyaltyPorts,
  type LoyaltyRules,
} from '../domain/loyalty';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { DynamoUserStore } from '../adapters/dynamodb/user-store';
import { DynamoCheckinProgramStore, DynamoExpiryWatchStore } from '../adapters/loyalty/dynamo-checkin-program-store';
import { DynamoIncentiveStore } from '../adapters/loyalty/dynamo-incentive-store';
import { DynamoLedgerStore } from '../adapters/loyalty/dynamo-ledger-store';
import { DynamoReportCounters } from '../adapters/loyalty/dynamo-report-counters';
import {
  DynamoCouponStore,
  DynamoDrawEntryStore,
  DynamoLevelChanges,
  DynamoReferralStore,
  DynamoRewardBudget,
  type LoyaltyTables,
} from '../adapters/loyalty/dynamo-reward-stores';
import { EventBridgeGrowthPublisher } from '../adapters/loyalty/eventbridge-growth-publisher';
import { LOYALTY_ENV } from '../adapters/loyalty/loyalty-env';
import { MessengerLoyaltyMessenger, type MessengerPort } from '../adapters/loyalty/loyalty-messenger';
import { MESSAGING_DEFAULTS } from '../adapters/messaging';
import { buildMessenger } from './messaging';
import { DynamoMessageLog } from '../adapters/messaging/message-log';
import { runtimeClock } from '../adapters/runtime-clock';

/** A variable holding JSON text, validated by `schema` once parsed. */
function jsonFromEnv<T extends z.ZodType>(what: string, schema: T) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: `must be ${what}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** The loyalty functions' environment (set by infra/features/loyalty.ts), validated once. */
export const LoyaltyConfig = UsersTableConfig.extend(OperationsTableConfig.shape).extend({
  [LOYALTY_ENV.monthlyRewardBudget]: z.coerce.number().int().nonnegative(),
  [LOYALTY_ENV.whenBudgetExhausted]: RewardBudgetConfig.shape.whenExhausted,
  [LOYALTY_ENV.aggregateRetentionDays]: positiveIntFromEnv,
  [LOYALTY_ENV.pointsExpireAfterDays]: positiveIntFromEnv,
  [LOYALTY_ENV.pointsExpiryNoticeDays]: z.coerce.number().int().nonnegative(),
  [LOYALTY_ENV.incentiveRules]: jsonFromEnv('a JSON array of incentive rules', IncentiveRules),
  [LOYALTY_ENV.programs]: jsonFromEnv('a JSON array of program definitions', ProgramCatalogue),
  [LOYALTY_ENV.growthLadder]: jsonFromEnv('a JSON growth ladder ({ levels, levelUpMessage })', GrowthConfig),
});
export type LoyaltyConfig = z.infer<typeof LoyaltyConfig>;

/** The loyalty rules from configuration: programs, growth ladder, budget, incentive rules and points expiry (referrals: the domain's defaults). */
export function loyaltyRulesOf(
  config: Pick<
    LoyaltyConfig,
    | typeof LOYALTY_ENV.monthlyRewardBudget
    | typeof LOYALTY_ENV.whenBudgetExhausted
    | typeof LOYALTY_ENV.incentiveRules
    | typeof LOYALTY_ENV.programs
    | typeof LOYALTY_ENV.growthLadder
    | typeof LOYALTY_ENV.pointsExpireAfterDays
    | typeof LOYALTY_ENV.pointsExpiryNoticeDays
  >,
): LoyaltyRules {
  return {
    programs: config[LOYALTY_ENV.programs],
    growth: config[LOYALTY_ENV.growthLadder],
    referral: ReferralConfig.parse({}),
    budget: RewardBudgetConfig.parse({ monthlyBudget: config[LOYALTY_ENV.monthlyRewardBudget], whenExhausted: config[LOYALTY_ENV.whenBudgetExhausted] }),
    incentives: config[LOYALTY_ENV.incentiveRules],
    points: PointsExpiryConfig.parse({
      expireAfterDays: config[LOYALTY_ENV.pointsExpireAfterDays],
      noticeDaysBefore: config[LOYALTY_ENV.pointsExpiryNoticeDays],
    }),
  };
}

/**
 * The loyalty ports over DynamoDB, EventBridge and the one send path. Messages go through
 * `buildMessenger()` (its configuration comes from the environment `MessagingFeature.grantSend`
 * sets, read on the first send) unless a messenger is given. The integration tests build theirs
 * here, over the local runtime's tables and clock.
 */
export function loyaltyPortsOver(input: {
  readonly tables: LoyaltyTables;
  readonly rules: LoyaltyRules;
  readonly clock: Clock;
  readonly aggregateRetentionDays: number;
  readonly messenger?: MessengerPort;
  readonly levelChangePublisher?: GrowthLevelChangePublisher;
}): LoyaltyPorts {
  const { tables, rules, clock } = input;
  const profiles = new DynamoUserStore(tables.client, tables.usersTable, input.aggregateRetentionDays);
  // Only read here; the retention applies to writes, which the messenger does with its own.
  const messageLog = new DynamoMessageLog(tables.client, { users: tables.usersTable, operations: tables.operationsTable }, 1);
  const messenger = input.messenger ?? buildMessenger({ clock });
  return {
    clock,
    rules,
    ledger: new DynamoLedgerStore(tables.client, tables.usersTable, expiryWatchWakeOf(rules.points)),
    programs: new DynamoCheckinProgramStore(tables.client, tables.usersTable, checkinWakeUpPolicy(rules.programs, clock)),
    expiryWatch: new DynamoExpiryWatchStore(tables.client, tables.usersTable),
    coupons: new DynamoCouponStore(tables),
    drawEntries: new DynamoDrawEntryStore(tables),
    referrals: new DynamoReferralStore(tables),
    budget: new DynamoRewardBudget(tables),
    levelChanges: new DynamoLevelChanges(tables),
    levelChangePublisher: input.levelChangePublisher ?? new EventBridgeGrowthPublisher(),
    incentives: new DynamoIncentiveStore(tables),
    reportCounters: new DynamoReportCounters(tables),
    messages: new MessengerLoyaltyMessenger(messenger, profiles, messageLog, MESSAGING_DEFAULTS.appUrl),
    profiles,
    randomBytes: (length) => randomBytes(length),
  };
}

let composed: LoyaltyPorts | undefined;

/**
 * The loyalty ports every loyalty handler uses: configuration read once from the validated
 * environment (a missing value throws at cold start), adapters built once, on the runtime clock.
 */
export function composeLoyalty(): LoyaltyPorts {
  if (composed) return composed;
  const config = readConfig(LoyaltyConfig);
  composed = loyaltyPortsOver({
    tables: { client: dynamoDocumentClient(), usersTable: config[ENV.usersTable], operationsTable: config[ENV.operationsTable] },
    rules: loyaltyRulesOf(config),
    clock: runtimeClock,
    aggregateRetentionDays: config[LOYALTY_ENV.aggregateRetentionDays],
  });
  return composed;
}
