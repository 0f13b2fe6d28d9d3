import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LocalRuntime } from '../infra/local/local-runtime';
import { freePorts } from '../infra/local/preflight';
import { batchPut } from '../shared/adapters/dynamodb/batch';
import { forEachConcurrently } from '../shared/adapters/dynamodb/client';
import { DynamoUserStore } from '../shared/adapters/dynamodb/user-store';
import { journeyKeys } from '../shared/adapters/journeys/journey-keys';
import { DynamoScoreReader } from '../shared/adapters/journeys/score-reader';
import { isInHoldout, journeyExecutionName } from '../shared/domain/journeys';
import type { BenchRow } from './models';
import { cpuSecondsOf } from './process-cpu';

/** Scored users in the table (the preview's population) and launched (a CLV of their own picks them). */
const USERS = Number(process.env.REKINDLE_BENCH_JOURNEY_USERS ?? 100_000);
const LAUNCHED = Math.min(USERS, Number(process.env.REKINDLE_BENCH_JOURNEY_LAUNCHED ?? 20_000));
const PREVIEW_CALLS = 5;
const LAUNCH_CLV = 7_777;
/** R2 users after the launched ones, launched first to warm the launch path (JIT) the way seeding warmed the raw writes. */
const WARM_UP = Math.min(2_000, USERS - LAUNCHED);
const WARM_UP_CLV = 4_444;

async function call(runtime: LocalRuntime, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${runtime.credentials.marketerToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Journeys at scale on the local runtime:
 * - launch throughput: enrollments per second from POST /v1/journeys until the launch workflow's
 *   selection (from the audience index) is done (matched, enrolled only if absent, queued), against
 *   the raw BatchWriteItem rate of the same items (member item and enrollment record per user) in
 *   the same run; an R3 audience (its tier's range of the index) and the same users by CLV alone
 *   (a range inside a CLV band: the band's entries and their scores read), each after a small
 *   launch of other users that warms the launch path as seeding warmed the raw writes;
 * - preview latency at USERS scored users, from the audience summary, against the exact count
 *   that reads every score.
 */
export async function runJourneyBenchmarks(): Promise<BenchRow[]> {
  const runtime = await LocalRuntime.start({
    dataDir: null,
    ports: await freePorts(),
    logLevel: 'ERROR',
  });
  try {
    const client = DynamoDBDocumentClient.from(runtime.dynamodb.client, { marshallOptions: { removeUndefinedValues: true } });
    const usersTable = [...runtime.tables].find(([id]) => id.startsWith('UsersTable'))![1];
    const operationsTable = [...runtime.tables].find(([id]) => id.startsWith('OperationsTable'))![1];
    const profiles = new DynamoUserStore(client, usersTable, 400);
    const scores = new DynamoScoreReader(client, usersTable);
    const now = runtime.clock.now().toISOString();
    const userIds = Array.from({ length: USERS }, (_, i) => `bench-${String(i).padStart(6, '0')}`);
    for (let from = 0; from < USERS; from += 5_000) {
      const ids = userIds.slice(from, from + 5_000);
      await profiles.putProfiles(
        ids.map((userId) => ({
          userId,
          email: `${userId}@example.test`,
          timezone: 'UTC',
          locale: 'en' as const,
          consents: { email: true, sms: false, push: false },
          attributes: {},
          createdAt: now,
          updatedAt: now,
        })),
      );
      await forEachConcurrently(ids, 16, (userId) => {
        const launched = Number(userId.slice(6)) < LAUNCHED;
        return scores.putScore({
          userId,
          tier: launched ? 'R3' : 'R2',
          segment: 'At Risk',
          quadrant: 'Cash Cow',
          churnRisk: 0.6,
          clv: launched ? LAUNCH_CLV : Number(userId.slice(6)) < LAUNCHED + WARM_UP ? WARM_UP_CLV : 120,
          daysSilent: 20,
          // As nightly scoring writes it: the profile's locale and consents, copied.
          reach: { locale: 'en', consents: { email: true, sms: false, push: false } },
        });
      });
    }

    // Baseline: the very items a launch writes per enrollment, for another journey id, as fast as BatchWriteItem goes.
    const baselineId = 'bench-raw';
    const members = userIds
      .slice(0, LAUNCHED)
      .map((userId) => ({ userId, tier: 'R3' as const, holdout: isInHoldout(baselineId, userId, 0.1), enrolledAt: now }));
    // CPU of this process (the handlers, the engine, the emulators) and of DynamoDB Local, per phase:
    // on a shared machine the steadier figure.
    const cpu = () => ({ node: cpuSecondsOf(process.pid), dynamodb: cpuSecondsOf(runtime.dynamodb.pid) });
    const cpuSince = (from: { node: number; dynamodb: number }) => {
      const now = cpu();
      return `${(now.node - from.node).toFixed(1)} s Node + ${(now.dynamodb - from.dynamodb).toFixed(1)} s DynamoDB Local CPU`;
    };
    const rawCpu = cpu();
    const rawStarted = performance.now();
    await Promise.all([
      batchPut(
        client,
        operationsTable,
        members.map((member) => ({ pk: journeyKeys.memberPk(baselineId, journeyKeys.memberShardOf(member.userId)), sk: member.userId, ...member })),
        16,
      ),
      batchPut(
        client,
        usersTable,
        members.map((member) => ({
          pk: journeyKeys.userPk(member.userId),
          sk: journeyKeys.enrollmentSk(baselineId),
          journeyId: baselineId,
          ...member,
          executionName: journeyExecutionName(baselineId, member.userId),
        })),
        16,
      ),
    ]);
    const rawRate = LAUNCHED / ((performance.now() - rawStarted) / 1000);
    const rawCpuUsed = cpuSince(rawCpu);

    // A launch: a wait first, so started executions only park on the clock. Timed from the POST
    // until the selection is done (every member enrolled and the treated queued); then, untimed,
    // until the queued have started, so the next launch does not share the machine with them.
    const launch = async (id: string, audience: Record<string, unknown>, members = LAUNCHED) => {
      const definition = {
        id,
        name: 'bench',
        tier: 'R3',
        steps: [
          { kind: 'wait', days: 1 },
          { kind: 'send', channels: ['email'], templateId: 'recall-r3', offer: { kind: 'coupon', value: 15, unit: 'percent' } },
        ],
        maxDurationDays: 5,
      };
      const launchCpu = cpu();
      const launchStarted = performance.now();
      await call(runtime, 'POST', '/v1/journeys', { definition, audience });
      const answeredMs = performance.now() - launchStarted;
      let progress: Record<string, unknown> = {};
      for (;;) {
        progress = (await call(runtime, 'GET', `/v1/journeys/${definition.id}`)).progress as Record<string, unknown>;
        if (progress.selectionDone) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const rate = Number(progress.enrolled) / ((performance.now() - launchStarted) / 1000);
      const cpuUsed = cpuSince(launchCpu);
      if (Number(progress.enrolled) !== members) throw new Error(`${id} enrolled ${String(progress.enrolled)} of ${members}`);
      const startedBy = String(progress.started);
      const deadline = Date.now() + 600_000;
      while (Number(progress.started) < Number(progress.queued)) {
        if (Date.now() > deadline) throw new Error(`${id}: ${String(progress.started)} of ${String(progress.queued)} started after 10 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        progress = (await call(runtime, 'GET', `/v1/journeys/${definition.id}`)).progress as Record<string, unknown>;
      }
      return { rate, answeredMs, cpuUsed, startedBy };
    };
    // An R3 audience reads the tier's range of the audience index; one by CLV alone (the same
    // users: only they have this CLV) reads the index's entries of the CLV band and, since the
    // range ends inside the band, each of their SCORE items by BatchGet: the worst case of a range.
    if (WARM_UP > 0) await launch('bench-warm-up', { tiers: ['R2'], clv: { min: WARM_UP_CLV, max: WARM_UP_CLV } }, WARM_UP);
    const byTier = await launch('bench-launch', { tiers: ['R3'] });
    const byClv = await launch('bench-launch-clv', { clv: { min: LAUNCH_CLV, max: LAUNCH_CLV } });

    // Preview: from the summary (after the journeys feature computes it), against the exact count.
    await runtime.invoke('JourneysJourneyAudienceSummary', { force: true });
    const previewBody = { defaultTier: 'R3', audience: { tiers: ['R3'] } };
    const timed = async (body: unknown) => {
      const started = performance.now();
      await call(runtime, 'POST', '/v1/journeys/preview', body);
      return performance.now() - started;
    };
    // The exact count: POST (202), then its progress until the count workflow answers the preview.
    const counted = async () => {
      const started = performance.now();
      const accepted = await call(runtime, 'POST', '/v1/journeys/preview', { ...previewBody, exact: true });
      for (let count = accepted; count.status === 'counting'; count = await call(runtime, 'GET', String(accepted.location)))
        await new Promise((resolve) => setTimeout(resolve, 100));
      return performance.now() - started;
    };
    const summaryMs: number[] = [];
    const exactMs: number[] = [];
    for (let i = 0; i < PREVIEW_CALLS; i++) summaryMs.push(await timed(previewBody));
    for (let i = 0; i < 2; i++) exactMs.push(await counted());

    return [
      {
        name: `journey launch of an R3 audience through the workflow (${LAUNCHED} enrollments, 8 index segments over ${USERS} scored users; the API answered in ${byTier.answeredMs.toFixed(0)} ms; ${byTier.cpuUsed}, ${byTier.startedBy} started by then)`,
        measured: byTier.rate,
        unit: 'enrollments/s',
        baselineName: `raw BatchWriteItem of the same member and enrollment items (${rawCpuUsed})`,
        baseline: rawRate,
        ratio: byTier.rate / rawRate,
        target: 'ratio ≥ 0.7',
      },
      {
        name: `the same users launched as an audience by CLV alone, a range inside a CLV band (its entries' scores read by BatchGet; the API answered in ${byClv.answeredMs.toFixed(0)} ms; ${byClv.cpuUsed}, ${byClv.startedBy} started by then)`,
        measured: byClv.rate,
        unit: 'enrollments/s',
        baselineName: 'the raw BatchWriteItem rate above',
        baseline: rawRate,
        ratio: byClv.rate / rawRate,
        target: '—',
      },
      {
        name: `journey preview from the audience summary (${USERS} scored users, median of ${PREVIEW_CALLS})`,
        measured: median(summaryMs),
        unit: 'ms',
        baselineName: 'exact count through the count workflow (POST until its preview is done)',
        baseline: median(exactMs),
        ratio: median(summaryMs) / median(exactMs),
        target: '< 1,000 ms',
      },
    ];
  } finally {
    await runtime.stop();
  }
}
