import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_DATA_DIR } from '../../infra/local/local-runtime';
import { connectLocal, output } from '../local-connection';
import { progressBar } from '../progress';
import { describeExperimentReport, describeRollout } from './experiments';

interface CommonOptions {
  dataDir: string;
  json?: boolean;
}

interface LaunchOptions extends CommonOptions {
  follow?: boolean;
  tier?: string;
  lifecycle?: string;
  definition?: string;
  id?: string;
  audience?: string;
  automatic?: boolean;
}

async function request(options: CommonOptions, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const answer = await connectLocal(options.dataDir).request(method, path, { auth: 'marketer', ...(body === undefined ? {} : { body }) });
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as Record<string, unknown>;
}

function readJson(label: string, text: string): unknown {
  const raw = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new Error(`${label} is not JSON (${(error as Error).message}); pass JSON or @file.json`);
  }
}

function launchBody(options: LaunchOptions): Record<string, unknown> {
  if ([options.tier, options.lifecycle, options.definition].filter((given) => given !== undefined).length !== 1)
    throw new Error('give one of --tier R1..R5 or --lifecycle welcome|second-purchase (a shipped default) or --definition <json|@file>');
  return {
    ...(options.tier
      ? { defaultTier: options.tier }
      : options.lifecycle
        ? { defaultLifecycle: options.lifecycle }
        : { definition: readJson('--definition', options.definition!) }),
    ...(options.id ? { id: options.id } : {}),
    ...(options.automatic ? { automatic: true } : {}),
    // A tier's shipped journey goes to that tier unless an audience is given; a definition to every scored user.
    audience: options.audience ? readJson('--audience', options.audience) : options.tier ? { tiers: [options.tier] } : {},
  };
}

const usd = (value: unknown) => `$${Number(value).toFixed(4)}`;

function withLaunchOptions(command: Command): Command {
  return command
    .option('--tier <tier>', 'launch the shipped default journey of this tier (R1..R5)')
    .option('--lifecycle <id>', 'run the shipped lifecycle journey (welcome, second-purchase): entered by events, not an audience')
    .option('--definition <json>', 'a journey definition as JSON, or @file.json')
    .option('--id <journeyId>', "journey id (default: the definition's); a new id per launch")
    .option(
      '--audience <json>',
      'audience filter as JSON or @file.json, e.g. {"tiers":["R3"],"clv":{"min":100}} (default: the --tier given; with --definition, every scored user)',
    )
    .option('--automatic', "also enroll users whose tier changes to this journey's tier")
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output');
}

/** How often `journeys launch` asks for the launch's progress (wall clock: the launch runs on its own). */
const FOLLOW_INTERVAL_MS = 500;

function describeProgress(progress: Record<string, unknown>): string {
  return `${String(progress.matched)} matched, ${String(progress.enrolled)} enrolled (${String(progress.alreadyEnrolled)} already members), ${String(progress.holdout)} held out, ${String(progress.queued)} queued, ${String(progress.started)} started`;
}

/**
 * Follows a launch with a progress bar: the selection over scan segments, then the starts of the
 * queued enrollments. Ends when every queued start happened, or the journey was stopped, or the
 * launch failed (then says how to resume it). Answers the last progress read.
 */
async function followLaunch(options: CommonOptions, journeyId: string): Promise<Record<string, unknown>> {
  const path = `/v1/journeys/${encodeURIComponent(journeyId)}`;
  let journey = await request(options, 'GET', path);
  let progress = journey.progress as Record<string, number | boolean>;
  const selecting = progressBar('selecting', Number(progress.totalSegments));
  while (!progress.selectionDone && journey.status !== 'stopped' && !journey.launchFailure) {
    selecting.update(Number(progress.segmentsDone), `${String(progress.enrolled)} enrolled, ${String(progress.queued)} queued`);
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
    journey = await request(options, 'GET', path);
    progress = journey.progress as Record<string, number | boolean>;
  }
  selecting.update(Number(progress.segmentsDone), `${String(progress.enrolled)} enrolled, ${String(progress.queued)} queued`);
  selecting.stop();
  if (journey.launchFailure) {
    const failure = journey.launchFailure as { error: string; cause: string };
    throw new Error(`the launch of ${journeyId} failed (${failure.error}: ${failure.cause}); run the same launch again to resume it from where it stopped`);
  }
  const starting = progressBar('starting', Number(progress.queued));
  while (Number(progress.started) < Number(progress.queued) && journey.status !== 'stopped') {
    starting.update(Number(progress.started));
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
    journey = await request(options, 'GET', path);
    progress = journey.progress as Record<string, number | boolean>;
  }
  starting.update(Number(progress.started));
  starting.stop();
  return { journeyId, status: journey.status, ...progress };
}

/**
 * Follows an exact count (a preview answered 202) with a progress bar over its scan segments until
 * it is done (the bar on stderr); answers its preview. `--no-follow` answers the accepted count instead.
 */
async function followCount(options: CommonOptions, accepted: Record<string, unknown>): Promise<Record<string, unknown>> {
  const path = String(accepted.location);
  let count = accepted;
  const counting = progressBar('counting', Number(count.totalSegments));
  while (count.status === 'counting') {
    counting.update(Number(count.segmentsDone), `${String(count.matchedSoFar)} matched so far`);
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
    count = await request(options, 'GET', path);
  }
  counting.update(Number(count.segmentsDone), `${String(count.matchedSoFar)} matched`);
  counting.stop();
  if (count.status === 'failed') {
    const failure = count.failure as { error: string; cause: string };
    throw new Error(`the count ${String(count.countId)} failed (${failure.error}: ${failure.cause}); run the preview again to count again`);
  }
  return count.preview as Record<string, unknown>;
}

/** `rekindle journeys preview|launch|list|status|pause|resume|stop|report`. */
export function registerJourneyCommands(program: Command): void {
  const journeys = program.command('journeys').description('recall journeys: preview, launch, watch, control and report');

  withLaunchOptions(journeys.command('preview').description('dry run from the nightly audience summary: who a launch reaches, holdout, messages and cost'))
    .option('--exact', 'count exactly from the scores as they are now (the launch workflow selecting without enrolling) instead of the summary')
    .option('--no-follow', 'with a count: answer once it is accepted, without following it (GET its location later)')
    .action(async (options: LaunchOptions & { exact?: boolean }) => {
      const answer = await request(options, 'POST', '/v1/journeys/preview', { ...launchBody(options), ...(options.exact ? { exact: true } : {}) });
      // 202: an exact count was started (asked for, or no audience summary yet).
      if (answer.countId !== undefined && options.follow === false) {
        output(Boolean(options.json), answer, () => `counting ${String(answer.countId)} (${String(answer.reason)}); follow it: GET ${String(answer.location)}`);
        return;
      }
      const preview = answer.countId !== undefined ? await followCount(options, answer) : answer;
      output(Boolean(options.json), preview, () => {
        const cost = preview.costUsd as Record<string, unknown>;
        const messages = preview.expectedMessages as Record<string, unknown>;
        const perTier = Object.entries(
          preview.perTier as Record<string, { matched: number; reachable: number; alreadyEnrolled: number; holdout: number; treatment: number }>,
        )
          .filter(([, row]) => row.matched > 0)
          .map(
            ([tier, row]) =>
              `  ${tier.padEnd(9)} matched ${row.matched} · reachable ${row.reachable} · already enrolled ${row.alreadyEnrolled} · holdout ${row.holdout} · treatment ${row.treatment}`,
          );
        const source =
          preview.source === 'audience-summary'
            ? `  from the audience summary of ${String(preview.scoredOn)} (${String(preview.ageHours)} h old)${preview.exact ? '' : `; at most: the summary cannot count ${(preview.inexactCriteria as string[]).join(', ')} exactly, --exact counts them`}; holdout as its expected share`
            : `  counted exactly from the scores at ${String(preview.countedAt)}`;
        return [
          source,
          `journey ${String(preview.journeyId)}: ${String(preview.matched)} matched, ${String(preview.reachable)} reachable, ${String(preview.alreadyEnrolled)} already enrolled, ${String(preview.holdout)} held out, ${String(preview.treatment)} treated`,
          ...perTier,
          `  messages (at most) ${String(messages.total)} (email ${String(messages.email)}, sms ${String(messages.sms)}, push ${String(messages.push)})`,
          `  ${String(preview.transitionsPerTreatedUser)} state transitions per treated user`,
          `  estimated cost ${usd(cost.total)}: AWS ${usd(cost.aws)} (Step Functions ${usd(cost.stepFunctions)}), messaging ${usd(cost.messagingTotal)}`,
        ].join('\n');
      });
    });

  withLaunchOptions(journeys.command('launch').description('launch a journey on an audience: answers at once, then follows the launch workflow'))
    .option('--no-follow', 'answer once the launch is accepted, without following its progress')
    .action(async (options: LaunchOptions) => {
      const launched = await request(options, 'POST', '/v1/journeys', launchBody(options));
      const journeyId = String(launched.journeyId);
      // A lifecycle journey selects nobody: it runs at once, and events bring the users in.
      const progress = options.follow === false || options.json || launched.status === 'running' ? launched : await followLaunch(options, journeyId);
      output(
        Boolean(options.json),
        progress,
        () => `${launched.relaunch ? 'relaunched' : 'launched'} ${journeyId} (attempt ${String(launched.launchAttempt)}): ${describeProgress(progress)}`,
      );
    });

  journeys
    .command('list')
    .description('every journey with its status')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: CommonOptions) => {
      const answer = await request(options, 'GET', '/v1/journeys');
      const rows = answer.journeys as Array<{
        journeyId: string;
        tier: string;
        status: string;
        automatic: boolean;
        launchedAt: string;
        launch?: { enrolled: number; holdout: number };
      }>;
      output(Boolean(options.json), answer, () =>
        rows.length === 0
          ? 'no journeys yet: rekindle journeys preview --tier R3'
          : rows
              .map(
                (row) =>
                  `${row.journeyId.padEnd(24)} ${row.tier} ${row.status.padEnd(9)} ${row.automatic ? 'automatic ' : ''}launched ${row.launchedAt} · ${row.launch?.enrolled ?? 0} enrolled (${row.launch?.holdout ?? 0} holdout)`,
              )
              .join('\n'),
      );
    });

  journeys
    .command('status')
    .description('a journey: definition, audience, status and launch counts')
    .argument('<journeyId>')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (journeyId: string, options: CommonOptions) => {
      const journey = await request(options, 'GET', `/v1/journeys/${encodeURIComponent(journeyId)}`);
      const definition = journey.definition as {
        name: string;
        tier: string;
        steps: Array<{ kind: string; days?: number; channels?: string[]; templateId?: string }>;
      };
      output(Boolean(options.json), journey, () =>
        [
          `${journeyId} (${definition.tier}) ${definition.name}: ${String(journey.status)}`,
          `  launched ${String(journey.launchedAt)} · audience ${JSON.stringify(journey.audience)}`,
          `  steps: ${definition.steps.map((step) => (step.kind === 'wait' ? `wait ${step.days}d` : `send ${step.channels?.join('+')} ${step.templateId}`)).join(' → ')}`,
          `  ${String(journey.transitionsPerTreatedUser)} state transitions per treated user · launch: ${describeProgress(journey.progress as Record<string, unknown>)}`,
          ...describeRollout(journey.rollout),
        ].join('\n'),
      );
    });

  for (const command of ['pause', 'resume', 'stop'] as const) {
    journeys
      .command(command)
      .description(command === 'stop' ? 'stop a journey and every open execution (final)' : `${command} a journey`)
      .argument('<journeyId>')
      .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
      .option('--json', 'machine-readable output')
      .action(async (journeyId: string, options: CommonOptions) => {
        const answer = await request(options, 'POST', `/v1/journeys/${encodeURIComponent(journeyId)}/${command}`);
        output(
          Boolean(options.json),
          answer,
          () => `${journeyId} is ${String(answer.status)}${command === 'stop' ? ` (${String(answer.executionsStopped)} executions stopped)` : ''}`,
        );
      });
  }

  journeys
    .command('report')
    .description('funnel, reactivation within 7 and 30 days, lift vs holdout (95% CI), revenue, spill-over')
    .argument('<journeyId>')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--variants', 'per variant and rollout stage: always-valid lift, SRM check, verdict, global control apart')
    .option('--json', 'machine-readable output')
    .action(async (journeyId: string, options: CommonOptions & { variants?: boolean }) => {
      if (options.variants) {
        const experiment = await request(options, 'GET', `/v1/journeys/${encodeURIComponent(journeyId)}/report/variants`);
        output(Boolean(options.json), experiment, () => describeExperimentReport(experiment));
        return;
      }
      const report = await request(options, 'GET', `/v1/journeys/${encodeURIComponent(journeyId)}/report`);
      output(Boolean(options.json), report, () => {
        type Lift = { absolute: number; confidence95: { lower: number; upper: number } } | null;
        type Section = {
          enrolled: number;
          treatment: Record<string, number | null | Record<string, number>>;
          holdout: Record<string, number | null>;
          liftWithin7d: Lift;
          liftWithin30d: Lift;
          incrementalRevenue: number | null;
        };
        const pct = (value: unknown) => (value === null || value === undefined ? '—' : `${(Number(value) * 100).toFixed(1)}%`);
        const lift = (value: Lift) => (value ? `${pct(value.absolute)} [${pct(value.confidence95.lower)}, ${pct(value.confidence95.upper)}]` : '—');
        const section = (title: string, s: Section) =>
          [
            `${title}: ${s.enrolled} enrolled (${String(s.treatment.enrolled)} treated, ${String(s.holdout.enrolled)} holdout)`,
            `  contacted ${String(s.treatment.contacted)} · delivered ${String(s.treatment.delivered)} · opened ${String(s.treatment.opened)} · clicked ${String(s.treatment.clicked)} · skipped ${JSON.stringify(s.treatment.skippedByReason)} · not sent ${JSON.stringify(s.treatment.notSentByReason ?? {})}`,
            `  reactivated 7d: treated ${pct(s.treatment.reactivationRate7d)} vs holdout ${pct(s.holdout.reactivationRate7d)} → lift ${lift(s.liftWithin7d)}`,
            `  reactivated 30d: treated ${pct(s.treatment.reactivationRate30d)} vs holdout ${pct(s.holdout.reactivationRate30d)} → lift ${lift(s.liftWithin30d)}`,
            `  incremental revenue ${s.incrementalRevenue === null ? '—' : s.incrementalRevenue.toFixed(2)}`,
          ].join('\n');
        type Count = { total: number; unique: number };
        type Entries = {
          entered: Count;
          refused: Record<string, number>;
          exitedEarly: Record<string, Count>;
          steps: { stepIndex: number; kind: string; reached: Count; sent: Count; skippedByReason: Record<string, number> }[];
        };
        const entries = report.entries as Entries | undefined;
        const count = (c: Count) => (c.total === c.unique ? String(c.total) : `${c.total} (${c.unique} user${c.unique === 1 ? '' : 's'})`);
        const entryLines = entries
          ? [
              `entries: entered ${count(entries.entered)} · re-entries refused ${JSON.stringify(entries.refused)} · exited early ${
                Object.entries(entries.exitedEarly)
                  .map(([reason, c]) => `${reason} ${count(c)}`)
                  .join(', ') || 'none'
              }`,
              ...entries.steps.map(
                (step) =>
                  `  step ${step.stepIndex} ${step.kind}: reached ${count(step.reached)} · sent ${count(step.sent)} · skipped ${JSON.stringify(step.skippedByReason)}`,
              ),
            ]
          : [];
        return [
          `${journeyId} (${String(report.status)}) exits ${JSON.stringify(report.exits)} · failures ${String(report.failures)}`,
          ...entryLines,
          section('overall', report.overall as Section),
          ...Object.entries(report.perTier as Record<string, Section>).map(([tier, s]) => section(tier, s)),
        ].join('\n');
      });
    });
}
