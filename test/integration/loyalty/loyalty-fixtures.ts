import { randomUUID } from 'node:crypto';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { dynamoDocumentClient } from '../../../shared/adapters/dynamodb/client';
import { loyaltyPortsOver, loyaltyRulesOf } from '../../../shared/composition/loyalty';
import { LOYALTY_DEFAULTS } from '../../../shared/adapters/loyalty/loyalty-env';
import {
  DEFAULT_INCENTIVE_RULES,
  DEFAULT_PROGRAMS,
  GrowthConfig,
  addLocalDays,
  instantAtLocalTime,
  localDayOf,
  type LocalDay,
  type LoyaltyPorts,
  type LoyaltyRules,
} from '../../../shared/domain/loyalty';
import { call, tableNamed } from '../../support/test-runtime';

export function freshUser(prefix = 'loy'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The default rules the deployed functions run with. */
export function defaultRules(): LoyaltyRules {
  return loyaltyRulesOf({
    LOYALTY_MONTHLY_REWARD_BUDGET: LOYALTY_DEFAULTS.monthlyRewardBudget,
    LOYALTY_WHEN_BUDGET_EXHAUSTED: LOYALTY_DEFAULTS.whenBudgetExhausted,
    LOYALTY_INCENTIVE_RULES: DEFAULT_INCENTIVE_RULES,
    LOYALTY_PROGRAMS: [...DEFAULT_PROGRAMS],
    LOYALTY_GROWTH_LADDER: GrowthConfig.parse({}),
    LOYALTY_POINTS_EXPIRE_AFTER_DAYS: LOYALTY_DEFAULTS.pointsExpireAfterDays,
    LOYALTY_POINTS_EXPIRY_NOTICE_DAYS: LOYALTY_DEFAULTS.pointsExpiryNoticeDays,
  });
}

/** The loyalty ports over the runtime's real tables and virtual clock, with the given rules. */
export function servicesOn(runtime: LocalRuntime, rules: LoyaltyRules = defaultRules()): LoyaltyPorts {
  return loyaltyPortsOver({
    tables: { client: dynamoDocumentClient(), usersTable: tableNamed(runtime, 'UsersTable'), operationsTable: tableNamed(runtime, 'OperationsTable') },
    rules,
    clock: runtime.clock,
    aggregateRetentionDays: 400,
  });
}

/** Subjects of the email the SES emulator captured for the user, in order. */
export async function mailSubjectsOf(runtime: LocalRuntime, userId: string): Promise<string[]> {
  const store = (await (await fetch(`${runtime.emulators.sesEndpoint}/store`)).json()) as { emails: Array<{ destination: { to: string[] }; subject: string }> };
  return store.emails.filter((email) => email.destination.to.includes(emailOf(userId))).map((email) => email.subject);
}

/** The user's message log through the API: template and outcome per send call, oldest first. */
export async function messageLogOf(runtime: LocalRuntime, userId: string): Promise<string[]> {
  const answer = await call(runtime, 'GET', `/v1/users/${userId}/messages`);
  if (answer.status !== 200) throw new Error(`message log of ${userId}: ${answer.status}`);
  const entries = answer.body.messages as Array<{ templateId: string; priority: string; outcome: { kind: string; reason?: string } }>;
  return entries
    .map((entry) => `${entry.templateId}:${entry.priority}:${entry.outcome.kind}${entry.outcome.reason ? `:${entry.outcome.reason}` : ''}`)
    .reverse();
}

/** Moves the virtual clock to a local wall time (forward only). */
export function moveTo(runtime: LocalRuntime, day: LocalDay, time: string, timeZone: string): Date {
  return runtime.clock.setTo(instantAtLocalTime(day, time, timeZone));
}

/** A local day `days` after the clock's current local day: each test starts on a day of its own. */
export function dayAhead(runtime: LocalRuntime, days: number, timeZone: string): LocalDay {
  return addLocalDays(localDayOf(runtime.clock.now(), timeZone), days);
}

/** The address a fixture user's email goes to. */
export const emailOf = (userId: string) => `${userId}@example.test`;

/**
 * Creates a profile (the producer's PUT), which is when the user "joined": zh-CN, reachable by
 * email with consent, first name 小明.
 */
export async function createProfile(runtime: LocalRuntime, userId: string, timezone: string): Promise<void> {
  const answer = await call(runtime, 'PUT', `/v1/users/${userId}`, {
    body: { timezone, locale: 'zh-CN', email: emailOf(userId), consents: { email: true }, attributes: { firstName: '小明' } },
  });
  if (answer.status !== 201 && answer.status !== 200) throw new Error(`profile of ${userId}: ${answer.status} ${JSON.stringify(answer.body)}`);
}
