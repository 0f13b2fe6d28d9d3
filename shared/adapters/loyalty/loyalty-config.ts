import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CheckinProgramConfig, GrowthConfig, IncentiveRules, ReferralConfig, RewardBudgetConfig, type GrowthLevelChangePublisher } from '../../domain/loyalty';
import type { Clock } from '../../domain/common';
import { readConfig, positiveIntFromEnv } from '../../config/read-config';
import { ENV, OperationsTableConfig, UsersTableConfig } from '../../config/tables';
import { DynamoUserStore } from '../dynamodb/user-store';
import { dynamoDocumentClient } from '../dynamodb/client';
import { DynamoCheckinProgramStore } from './dynamo-checkin-program-store';
import { DynamoIncentiveStore } from './dynamo-incentive-store';
import { DynamoLedgerStore } from './dynamo-ledger-store';
import { EventBridgeGrowthPublisher } from './eventbridge-growth-publisher';
import { DynamoCouponStore, DynamoDrawEntryStore, DynamoLevelChanges, DynamoReferralStore, DynamoRewardBudget, type LoyaltyTables } from './dynamo-reward-stores';
import { checkinWakeUpPolicy, type LoyaltyRules, type LoyaltyServices } from './loyalty-use-cases';
import { MessengerReminderSender, type MessengerPort } from './reminder-sender';
import { createMessenger, MESSAGING_DEFAULTS } from '../messaging';
import { DynamoMessageLog } from '../messaging/message-log';
import { LOYALTY_ENV } from './loyalty-env';

export { LOYALTY_DEFAULTS, LOYALTY_ENV } from './loyalty-env';

export const LoyaltyConfig = UsersTableConfig.extend(OperationsTableConfig.shape).extend({
  [LOYALTY_ENV.monthlyRewardBudget]: z.coerce.number().int().nonnegative(),
  [LOYALTY_ENV.whenBudgetExhausted]: RewardBudgetConfig.shape.whenExhausted,
  [LOYALTY_ENV.aggregateRetentionDays]: positiveIntFromEnv,
  [LOYALTY_ENV.incentiveRules]: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'must be a JSON array of incentive rules' });
        return z.NEVER;
      }
    })
    .pipe(IncentiveRules),
});
export type LoyaltyConfig = z.infer<typeof LoyaltyConfig>;

/** Program rules: the domain's defaults (the product's 21-day program), budget and incentive rules from configuration. */
export function loyaltyRulesOf(config: LoyaltyConfig): LoyaltyRules {
  return {
    checkin: CheckinProgramConfig.parse({}),
    growth: GrowthConfig.parse({}),
    referral: ReferralConfig.parse({}),
    budget: RewardBudgetConfig.parse({ monthlyBudget: config[LOYALTY_ENV.monthlyRewardBudget], whenExhausted: config[LOYALTY_ENV.whenBudgetExhausted] }),
    incentives: config[LOYALTY_ENV.incentiveRules],
  };
}

/**
 * Builds the loyalty services over DynamoDB: one composition root for every loyalty function and
 * the tests. Messages go through the one send path, `createMessenger()` (its configuration comes
 * from the environment `MessagingFeature.grantSend` sets, read on the first send) unless a
 * messenger is given.
 */
export function createLoyaltyServices(input: { tables: LoyaltyTables; rules: LoyaltyRules; clock: Clock; aggregateRetentionDays: number; messenger?: MessengerPort; levelChangePublisher?: GrowthLevelChangePublisher }): LoyaltyServices {
  const { tables, rules, clock } = input;
  const profiles = new DynamoUserStore(tables.client, tables.usersTable, input.aggregateRetentionDays);
  // Only read here; the retention applies to writes, which the messenger does with its own.
  const messageLog = new DynamoMessageLog(tables.client, { users: tables.usersTable, operations: tables.operationsTable }, 1);
  const messenger = input.messenger ?? createMessenger({ clock });
  return {
    clock,
    rules,
    ledger: new DynamoLedgerStore(tables.client, tables.usersTable),
    programs: new DynamoCheckinProgramStore(tables.client, tables.usersTable, checkinWakeUpPolicy(rules.checkin, clock)),
    coupons: new DynamoCouponStore(tables),
    drawEntries: new DynamoDrawEntryStore(tables),
    referrals: new DynamoReferralStore(tables),
    budget: new DynamoRewardBudget(tables),
    levelChanges: new DynamoLevelChanges(tables),
    levelChangePublisher: input.levelChangePublisher ?? new EventBridgeGrowthPublisher(),
    incentives: new DynamoIncentiveStore(tables),
    reminders: new MessengerReminderSender(messenger, profiles, messageLog, MESSAGING_DEFAULTS.appUrl),
    profiles,
    randomBytes: (length) => randomBytes(length),
  };
}

/** The services a handler uses, from its validated environment (read once, at cold start). */
export function loyaltyServicesFromEnv(clock: Clock): LoyaltyServices {
  const config = readConfig(LoyaltyConfig);
  return createLoyaltyServices({
    tables: { client: dynamoDocumentClient(), usersTable: config[ENV.usersTable], operationsTable: config[ENV.operationsTable] },
    rules: loyaltyRulesOf(config),
    clock,
    aggregateRetentionDays: config[LOYALTY_ENV.aggregateRetentionDays],
  });
}
