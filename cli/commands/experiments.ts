/** How `rekindle journeys report ID --variants` prints the experiments report (GET /v1/journeys/{id}/report/variants). */
import type { ExperimentReport } from '../../shared/application/experiments/report-experiment';

const pct = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`);
const interval = (value: { estimate: number; lower: number; upper: number } | null) =>
  value === null ? '—' : `${pct(value.estimate)} [${pct(value.lower)}, ${pct(value.upper)}]`;
const rate = (count: number, users: number) => (users === 0 ? '—' : pct(count / users));

type Arm = ExperimentReport['globalControl']['members'];
const arm = (label: string, figures: Arm) =>
  `  ${label}: ${figures.users} users · sent ${figures.sent} · opened ${figures.opened} · clicked ${figures.clicked} · reactivated 7d ${rate(figures.reactivated7d, figures.users)} · 30d ${rate(figures.reactivated30d, figures.users)} · revenue/user ${figures.revenuePerUser === null ? '—' : figures.revenuePerUser.toFixed(2)} · unsubscribed ${figures.unsubscribed}`;

/** The rollout's stage and history, for `journeys status` and the report; nothing for a journey without one. */
export function describeRollout(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const rollout = value as NonNullable<ExperimentReport['rollout']>;
  const lines = [`rollout: stage ${rollout.stage + 1} (${rollout.status}) since ${rollout.stageStartedAt}`];
  for (const event of rollout.history) {
    const detail =
      event.kind === 'halted'
        ? `halted: ${event.breaches.map((breach) => `${breach.guardrail} ${pct(breach.observed)} over ${pct(breach.limit)}`).join(', ')}`
        : event.kind === 'stage-started'
          ? `stage ${event.stage + 1} began (${pct(event.share)} of the treated audience)`
          : `${event.kind} at stage ${event.stage + 1}`;
    lines.push(`  ${event.at} ${detail}`);
  }
  return lines;
}

export function describeExperimentReport(body: Record<string, unknown>): string {
  const report = body as unknown as ExperimentReport;
  const lines = [`${report.journeyId}: experiments`, ...describeRollout(report.rollout)];
  const { tallied } = report;
  if (tallied === null) lines.push('not tallied yet: the hourly evaluation has not read the members');
  else {
    const { guardrails } = tallied;
    lines.push(
      `as of ${tallied.asOf} (the last hourly evaluation, ${tallied.membersRead} members read${tallied.stage === null ? '' : tallied.stage === 0 ? ', stage 1 counted' : `, stages 1–${tallied.stage + 1} counted`})`,
      `guardrails over ${guardrails.contacted} contacted: unsubscribed ${rate(guardrails.unsubscribed, guardrails.contacted)} · complained ${rate(guardrails.complained, guardrails.contacted)} · bounced ${rate(guardrails.bounced, guardrails.contacted)} · reactivated 7d ${rate(guardrails.converted, guardrails.contacted)}`,
    );
  }
  for (const stage of report.stages) {
    lines.push(`stage ${stage.stage + 1} (${pct(stage.share)}): lift 7d vs holdout ${interval(stage.lift7d)} (always valid)`);
    lines.push(arm('treated', stage.treated), arm('holdout', stage.holdout));
  }
  for (const step of report.steps) {
    const { analysis } = step;
    const verdict =
      analysis.verdict.kind === 'winner'
        ? `winner: ${analysis.verdict.variantId}`
        : analysis.verdict.kind === 'withheld'
          ? 'verdict withheld: sample ratio mismatch'
          : 'no winner yet';
    const srm = analysis.sampleRatio ? `SRM p = ${analysis.sampleRatio.pValue.toPrecision(3)}${analysis.sampleRatio.mismatch ? ' (MISMATCH)' : ''}` : 'SRM —';
    lines.push(`send ${step.sendNumber}: ${verdict} · ${srm}`);
    for (const variant of analysis.variants) {
      const fixed = variant.liftFixedHorizon ? ` · fixed-horizon ${interval(variant.liftFixedHorizon)}` : '';
      lines.push(`  ${variant.id}: lift 7d ${interval(variant.liftSequential)} (always valid, ${variant.against})${fixed}`);
      lines.push(`  ${arm(variant.id, step.variants[variant.id]!)}`);
    }
    lines.push(arm('holdout', step.holdout));
  }
  lines.push(`global control (${pct(report.globalControl.share)} of all users, never sent marketing):`, arm('members', report.globalControl.members));
  return lines.join('\n');
}
