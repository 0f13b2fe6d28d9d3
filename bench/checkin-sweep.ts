import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LocalRuntime } from '../infra/local/local-runtime';
import { freePorts } from '../infra/local/preflight';
import { batchGet, batchPut } from '../shared/adapters/dynamodb/batch';
import { forEachConcurrently } from '../shared/adapters/dynamodb/client';
import { DynamoUserStore } from '../shared/adapters/dynamodb/user-store';
import { LOYALTY_DEFAULTS } from '../shared/adapters/loyalty/loyalty-env';
import { loyaltyKeys } from '../shared/adapters/loyalty/loyalty-keys';
import { enrollInCheckin } from '../shared/application/loyalty';
import { CheckinRunSummary } from '../shared/domain/loyalty/checkin-run';
import { loyaltyPortsOver, loyaltyRulesOf } from '../shared/composition/loyalty';
import {
  addLocalDays,
  DEFAULT_INCENTIVE_RULES,
  DEFAULT_PROGRAM_ID,
  DEFAULT_PROGRAMS,
  GrowthConfig,
  instantAtLocalTime,
  localDayOf,
} from '../shared/domain/loyalty';
import { appWithout } from './app-without';
import type { BenchRow } from './models';

const ZONE = 'Asia/Shanghai';

/**
 * The check-in sweep over N enrolled users (2,000 by default, `REKINDLE_BENCH_ENROLLED`; the figure
 * is scaled to 10,000, linearly: a run at 10,000 took too long for a shared machine), all due a reminder: the
 * deployed sweep function as main has it today (the Lambda the 15-minute schedule invokes,
 * `functions/loyalty-checkin-sweep`, run by the local runtime), timed from invocation to its
 * report, against the bare I/O of the same items in the same run: a consistent BatchGetItem of
 * every program item and a BatchWriteItem of as many items into a table without a stream. The
 * sweep also sends each reminder (the email path and its contact log); the baseline does not.
 * The schedules are left out (the sweep's own, the nightly scoring, the reconcile sweep): moving the clock to the reminder time would fire it beside
 * the timed invocation (measured: 11 version conflicts and 234 reminders left for later of 500).
 */
export async function runCheckinSweepBenchmarks(): Promise<BenchRow[]> {
  const users = Number(process.env.REKINDLE_BENCH_ENROLLED ?? 2_000);
  const runtime = await LocalRuntime.start(
    {
      dataDir: null,
      ports: await freePorts(),
      logLevel: 'ERROR',
    },
    appWithout(new Set(['CheckinProgramsSchedule', 'NightlyScoringSchedule', 'ReconcileSweepSchedule'])),
  );
  const log = (line: string) => process.stderr.write(`[checkin-sweep bench] ${line}\n`);
  try {
    const client = DynamoDBDocumentClient.from(runtime.dynamodb.client, { marshallOptions: { removeUndefinedValues: true } });
    const table = (prefix: string) => [...runtime.tables].find(([id]) => id.startsWith(prefix))![1];
    const usersTable = table('UsersTable');
    const rules = loyaltyRulesOf({
      LOYALTY_MONTHLY_REWARD_BUDGET: LOYALTY_DEFAULTS.monthlyRewardBudget,
      LOYALTY_WHEN_BUDGET_EXHAUSTED: LOYALTY_DEFAULTS.whenBudgetExhausted,
      LOYALTY_INCENTIVE_RULES: DEFAULT_INCENTIVE_RULES,
      LOYALTY_PROGRAMS: [...DEFAULT_PROGRAMS],
      LOYALTY_GROWTH_LADDER: GrowthConfig.parse({}),
      LOYALTY_POINTS_EXPIRE_AFTER_DAYS: LOYALTY_DEFAULTS.pointsExpireAfterDays,
      LOYALTY_POINTS_EXPIRY_NOTICE_DAYS: LOYALTY_DEFAULTS.pointsExpiryNoticeDays,
    });
    const ports = loyaltyPortsOver({
      tables: { client, usersTable, operationsTable: table('OperationsTable') },
      rules,
      clock: runtime.clock,
      aggregateRetentionDays: 400,
    });

    // Users reachable by email with consent, enrolled tomorrow morning (Shanghai), then the clock
    // moves past that day's 20:00 reminder time without a check-in: every program is due.
    const userIds = Array.from({ length: users }, (_, i) => `sweep-u${i}`);
    const firstDay = addLocalDays(localDayOf(runtime.clock.now(), ZONE), 1);
    runtime.clock.setTo(instantAtLocalTime(firstDay, '08:00', ZONE));
    const at = runtime.clock.now().toISOString();
    await new DynamoUserStore(client, usersTable, 400).putProfiles(
      userIds.map((userId) => ({
        userId,
        timeZone: ZONE,
        locale: 'zh-CN',
        email: `${userId}@example.test`,
        consents: { email: true, sms: false, push: false },
        attributes: { firstName: '小明' },
        createdAt: at,
        updatedAt: at,
      })),
    );
    const enrolling = performance.now();
    await forEachConcurrently(userIds, 16, async (userId) => {
      const outcome = await enrollInCheckin(ports, { userId, timeZone: ZONE });
      if (outcome.kind !== 'enrolled') throw new Error(`enrolling ${userId}: ${outcome.kind}`);
    });
    log(`enrolled ${users} users in ${((performance.now() - enrolling) / 1000).toFixed(1)} s (use case, 16 in flight)`);
    await runtime.settle();
    runtime.clock.setTo(instantAtLocalTime(firstDay, '20:05', ZONE));

    const started = performance.now();
    // The deployed orchestration: the check-in programs state machine, as its schedule starts it.
    const { executionArn } = await runtime.stepFunctions!.startExecution({
      stateMachineArn: runtime.stateMachineArn('LoyaltyCheckinProgramsStateMachine'),
      input: '{}',
    });
    const execution = await runtime.stepFunctions!.waitForExecution(executionArn);
    if (execution.status !== 'SUCCEEDED') throw new Error(`check-in run ${execution.status}: ${execution.error} ${execution.cause}`);
    const report = CheckinRunSummary.parse(JSON.parse(execution.output ?? 'null')).totals;
    const sweepMs = performance.now() - started;
    log(`sweep: ${(sweepMs / 1000).toFixed(1)} s, ${JSON.stringify(report)}`);
    if (report.due !== users || report.reminders !== users)
      throw new Error(`the sweep found ${report.due} due and sent ${report.reminders} reminders of ${users}`);

    const baselineTable = `${usersTable}-bench-baseline`;
    await runtime.dynamodb.client.send(
      new CreateTableCommand({
        TableName: baselineTable,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const bareStarted = performance.now();
    const items = await batchGet(
      client,
      usersTable,
      userIds.map((userId) => ({ pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.programSk(DEFAULT_PROGRAM_ID) })),
      { consistentRead: true },
    );
    await batchPut(client, baselineTable, items);
    const bareMs = performance.now() - bareStarted;
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: baselineTable }));
    if (items.length !== users) throw new Error(`the baseline read ${items.length} program items of ${users}`);
    log(`bare BatchGetItem + BatchWriteItem of ${items.length} program items: ${(bareMs / 1000).toFixed(1)} s`);

    const per10k = (ms: number) => (ms / 1000) * (10_000 / users);
    return [
      {
        name: `check-in sweep, seconds per 10,000 enrolled users (the check-in programs state machine over its 16 shards, ${users.toLocaleString('en')} enrolled and scaled linearly, all due: ${report.reminders} reminders sent)`,
        measured: per10k(sweepMs),
        unit: 's',
        baselineName: 'bare consistent BatchGetItem + BatchWriteItem of the same program items (no sends)',
        baseline: per10k(bareMs),
        ratio: bareMs / sweepMs,
      },
    ];
  } finally {
    await runtime.stop();
  }
}
