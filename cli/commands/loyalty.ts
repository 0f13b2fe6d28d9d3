import type { Command } from 'commander';
import { DEFAULT_DATA_DIR } from '../../infra/local/local-runtime';
import { randomUUID } from 'node:crypto';
import type { PointsView, ProgramView, RedemptionOutcome } from '../../shared/application/loyalty';
import type { DrawResult, LedgerEntry, RecordedMessage } from '../../shared/domain/loyalty';
import { connectLocal, output } from '../local-connection';

interface CommonOptions {
  dataDir: string;
  json?: boolean;
}

/** Calls the local API; anything but the expected statuses is an error naming the call. */
async function request(options: CommonOptions, method: string, path: string, auth: 'ingest' | 'marketer', body?: unknown, ok: number[] = [200, 201]) {
  const answer = await connectLocal(options.dataDir).request(method, path, { auth, ...(body !== undefined ? { body } : {}) });
  if (!ok.includes(answer.status)) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

const common = (command: Command) =>
  command.option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR).option('--json', 'machine-readable output');
const user = (id: string) => `/v1/users/${encodeURIComponent(id)}`;

function describeProgram(view: ProgramView): string {
  const { state, summary } = view;
  const status =
    state.status.kind === 'completed'
      ? `completed on ${state.status.completedOn}`
      : state.status.kind === 'ended-impossible'
        ? `ended on ${state.status.endedOn} (completion impossible)`
        : 'active';
  return [
    `  ${state.programId}: ${status}`,
    `    started ${state.startDay} (${state.timeZone}) · check-ins ${summary.checkIns}/${summary.requiredCheckins} · streak ${state.streak} · longest ${summary.longestStreak}`,
    `    points earned ${summary.pointsEarned} · streak bonuses ${summary.streakBonuses} · ${view.definition.completionReward.kind === 'points' ? `completion ${summary.outcome === 'completed' ? 'rewarded' : 'not yet'}` : `coupon ${summary.couponIssued ? 'issued' : 'not yet'}`}`,
    view.nextWakeAt ? `    next reminder check ${view.nextWakeAt}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function describeDefinition(definition: ProgramView['definition']): string {
  const action =
    definition.dailyAction.kind === 'checkin'
      ? 'a check-in'
      : `a ${definition.dailyAction.eventType} event${definition.dailyAction.feature ? ` (${definition.dailyAction.feature})` : ''}`;
  const reward =
    definition.completionReward.kind === 'points' ? `${definition.completionReward.points} points` : `a ${definition.completionReward.percent}%-off coupon`;
  const bonus = definition.streakBonusPoints > 0 ? `, +${definition.streakBonusPoints} every ${definition.streakBonusEvery} days in a row` : '';
  return [
    `${definition.programId}${definition.names ? ` (${Object.values(definition.names).join(' / ')})` : ''}`,
    `  ${definition.requiredCheckins} of ${definition.windowDays} days with ${action}; ${definition.pointsPerCheckin} points a day${bonus}; on completion ${reward}`,
    `  reminder ${definition.reminder.templateId} at ${definition.reminder.localTime} local time on a day without it`,
  ].join('\n');
}

function describeEntry(entry: LedgerEntry): string {
  const what =
    entry.kind === 'grant'
      ? `+${entry.amount} ${entry.reason}`
      : entry.kind === 'adjustment'
        ? `${entry.delta} ${entry.reason}`
        : entry.kind === 'redemption'
          ? `-${entry.amount} redeemed for ${entry.reference}`
          : `-${entry.amount} expired`;
  return `  ${entry.occurredAt}  ${what}`;
}

function describeMessage(recorded: RecordedMessage): string {
  return `  ${recorded.at}  ${recorded.templateId} by ${recorded.channel}: ${recorded.outcome}${recorded.reason ? ` (${recorded.reason})` : ''}`;
}

interface IncentiveReportRow {
  ruleId: string;
  exposed: number;
  completed: number;
  rate: number | null;
  rule: { eventType: string; count: number; window: string; rewardPoints: number; capPerUser: number };
}

/** `rekindle points|checkin|programs|referrals|draw|incentives`: the loyalty features on the local system. */
export function registerLoyaltyCommands(program: Command): void {
  const points = program.command('points').description('loyalty points, growth and levels');
  common(points.command('show').description('balance, growth level, ledger history and coupons').argument('<userId>')).action(
    async (userId: string, options: CommonOptions) => {
      const view = (await request(options, 'GET', `${user(userId)}/points`, 'marketer')).body as PointsView;
      output(Boolean(options.json), view, () =>
        [
          `user ${userId}`,
          `  points ${view.points} · growth ${view.growth} · level ${view.level}${view.levelDetail.names ? ` (${Object.values(view.levelDetail.names).join(' / ')})` : ''}${view.nextLevel ? ` · next ${view.nextLevel.name} at ${view.nextLevel.minGrowth}` : ''}`,
          `  perks ${view.levelDetail.perks.length ? view.levelDetail.perks.join(', ') : '—'}`,
          `  coupons ${view.coupons.length ? view.coupons.map((c) => `${c.reason} ${c.discount.kind === 'percent-off' ? `${c.discount.percent}% off` : `${c.discount.amount} off`}`).join(', ') : '—'}`,
          '  ledger:',
          ...view.history.map(
            (e) =>
              `    ${e.occurredAt}  ${e.account.padEnd(6)} ${e.kind === 'grant' ? `+${e.amount} ${e.reason}` : e.kind === 'adjustment' ? `${e.delta} ${e.reason}` : `-${e.amount} ${e.kind}`}`,
          ),
        ].join('\n'),
      );
    },
  );

  common(points.command('history').description('the points ledger, oldest first, and what expires soon').argument('<userId>')).action(
    async (userId: string, options: CommonOptions) => {
      const view = (await request(options, 'GET', `${user(userId)}/points`, 'marketer')).body as PointsView;
      const entries = view.history.filter((entry) => entry.account === 'points');
      output(Boolean(options.json), { userId, points: view.points, entries, expiringSoon: view.expiringSoon }, () =>
        [
          `user ${userId}: ${view.points} points${view.expiringSoon ? ` (${view.expiringSoon.amount} expire from ${view.expiringSoon.from})` : ''}`,
          ...(entries.length ? entries.map(describeEntry) : ['  —']),
        ].join('\n'),
      );
    },
  );
  common(
    points
      .command('redeem')
      .description('spend points (as the app does); the same --id never spends twice')
      .argument('<userId>')
      .argument('<amount>', 'points to spend')
      .requiredOption('--reference <what>', 'what the points are spent on (catalogue item, order id)')
      .option('--id <redemptionId>', 'the redemption id (default: a new one)'),
  ).action(async (userId: string, amount: string, options: CommonOptions & { reference: string; id?: string }) => {
    const body = { redemptionId: options.id ?? randomUUID(), amount: Number(amount), reference: options.reference };
    const answer = await request(options, 'POST', `${user(userId)}/redemptions`, 'ingest', body, [200, 201, 409]);
    const outcome = answer.body as RedemptionOutcome;
    output(Boolean(options.json), outcome, () => {
      switch (outcome.kind) {
        case 'redeemed':
          return `redeemed ${outcome.amount} points (${outcome.redemptionId}); balance ${outcome.balance}`;
        case 'already-redeemed':
          return `redemption ${outcome.redemptionId} was already made; balance ${outcome.balance}`;
        case 'insufficient-balance':
          return `refused: ${outcome.requested} points asked, the balance is ${outcome.balance}`;
      }
    });
  });
  common(
    program.command('checkin').description('check a user in now (as the app does)').argument('<userId>').option('--program <programId>', 'check-in program'),
  ).action(async (userId: string, options: CommonOptions & { program?: string }) => {
    const answer = await request(options, 'POST', `${user(userId)}/checkins`, 'ingest', options.program ? { programId: options.program } : {}, [200, 201, 409]);
    const body = answer.body as {
      kind: string;
      day?: string;
      dayNumber?: number;
      streak?: number;
      grants?: Array<{ kind: string; entry?: { reason: string; amount: number } }>;
      summary?: { outcome: string };
    };
    output(Boolean(options.json), body, () => {
      switch (body.kind) {
        case 'checked-in':
          return `checked in for ${body.day}: day ${body.dayNumber}, streak ${body.streak}; ${(body.grants ?? []).map((g) => (g.kind === 'points' ? `+${g.entry?.amount} ${g.entry?.reason}` : g.kind)).join(', ')}`;
        case 'already-checked-in-today':
          return `already checked in for ${body.day}`;
        case 'program-ended':
          return `the program has ended (${body.summary?.outcome})`;
        default:
          return JSON.stringify(body);
      }
    });
  });

  const programs = program.command('programs').description('loyalty programs: the 21-day check-in, the 7-day onboarding…');
  common(programs.command('status').description('progress, streak, rewards and reminders').argument('<userId>')).action(
    async (userId: string, options: CommonOptions) => {
      const body = (await request(options, 'GET', `${user(userId)}/programs`, 'marketer')).body as { programs: ProgramView[]; messages: RecordedMessage[] };
      output(Boolean(options.json), body, () =>
        [
          `user ${userId}`,
          ...(body.programs.length ? body.programs.map(describeProgram) : ['  not enrolled']),
          '  messages:',
          ...(body.messages.length ? body.messages.map(describeMessage) : ['  —']),
        ].join('\n'),
      );
    },
  );
  common(
    programs
      .command('enroll')
      .description('enrol a user in a program (the 21-day check-in unless --program names another)')
      .argument('<userId>')
      .option('--program <programId>', 'the program (`rekindle programs list`)', 'checkin-21')
      .option('--time-zone <zone>', 'IANA time zone (default: the profile’s)'),
  ).action(async (userId: string, options: CommonOptions & { program: string; timeZone?: string }) => {
    const answer = await request(options, 'POST', `/v1/programs/${encodeURIComponent(options.program)}/enrollments`, 'marketer', {
      userId,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    });
    const body = answer.body as { kind: string; state?: { programId: string; startDay: string; timeZone: string } };
    output(
      Boolean(options.json),
      body,
      () =>
        `${body.kind === 'enrolled' ? 'enrolled' : 'already enrolled'} in ${body.state?.programId ?? options.program}: day 1 is ${body.state?.startDay} (${body.state?.timeZone})`,
    );
  });
  common(programs.command('list').description('the programs users can enrol in, as configured')).action(async (options: CommonOptions) => {
    const body = (await request(options, 'GET', '/v1/programs', 'marketer')).body as { programs: ProgramView['definition'][] };
    output(Boolean(options.json), body, () => body.programs.map(describeDefinition).join('\n'));
  });

  const referrals = program.command('referrals').description('referral codes and sign-ups');
  common(referrals.command('code').description('the user’s referral code (created on first use)').argument('<userId>')).action(
    async (userId: string, options: CommonOptions) => {
      const body = (await request(options, 'POST', `${user(userId)}/referral-code`, 'marketer')).body as { code: string };
      output(Boolean(options.json), body, () => body.code);
    },
  );
  common(referrals.command('signup').description('a new user signs up with a code (as the app does)').argument('<refereeId>').argument('<code>')).action(
    async (refereeId: string, code: string, options: CommonOptions) => {
      const body = (await request(options, 'POST', '/v1/referrals/signup', 'ingest', { refereeId, code }, [201, 409])).body as {
        kind: string;
        reason?: string;
        referral?: { referrerId: string };
      };
      output(Boolean(options.json), body, () => (body.kind === 'accepted' ? `accepted: referred by ${body.referral?.referrerId}` : `refused: ${body.reason}`));
    },
  );

  const draw = program.command('draw').description('the monthly draw');
  const month = (command: Command) => command.requiredOption('--month <YYYY-MM>', 'the draw month (UTC)');
  const describeDraw = (result: DrawResult) =>
    [
      `draw ${result.month} (${result.algorithm})`,
      `  entries ${result.entries.length} · hash ${result.entriesHash}`,
      `  seed ${result.seed}`,
      `  winners ${result.winners.join(', ') || '—'}`,
    ].join('\n');
  common(
    month(draw.command('run').description('run the month’s draw once; seed and entries are published')).option('--winners <n>', 'how many winners', '1'),
  ).action(async (options: CommonOptions & { month: string; winners: string }) => {
    const body = (await request(options, 'POST', `/v1/draws/${options.month}`, 'marketer', { winners: Number(options.winners) })).body as {
      kind: string;
      result: DrawResult;
    };
    output(Boolean(options.json), body, () => `${body.kind === 'drawn' ? 'drawn' : 'already drawn'}\n${describeDraw(body.result)}`);
  });
  common(month(draw.command('show').description('the published draw'))).action(async (options: CommonOptions & { month: string }) => {
    const body = (await request(options, 'GET', `/v1/draws/${options.month}`, 'marketer')).body as { result: DrawResult };
    output(Boolean(options.json), body, () => describeDraw(body.result));
  });

  const incentives = program.command('incentives').description('key-behaviour incentives');
  common(incentives.command('report').description('each rule’s conversion: users who completed it / users exposed')).action(async (options: CommonOptions) => {
    const body = (await request(options, 'GET', '/v1/incentives/report', 'marketer')).body as { rules: IncentiveReportRow[] };
    output(Boolean(options.json), body, () =>
      body.rules.length === 0
        ? 'no incentive rules configured'
        : body.rules
            .map(
              (row) =>
                `${row.ruleId}: ${row.rule.count} × ${row.rule.eventType} per ${row.rule.window} → ${row.rule.rewardPoints} points (cap ${row.rule.capPerUser})\n` +
                `  exposed ${row.exposed} · completed ${row.completed} · conversion ${row.rate === null ? '—' : `${(row.rate * 100).toFixed(1)}%`}`,
            )
            .join('\n'),
    );
  });
}
