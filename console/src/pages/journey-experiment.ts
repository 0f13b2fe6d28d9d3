import type { ArmFigures, ExperimentReport, SendStepExperiment, StageReport } from '../../../shared/application/experiments/report-experiment';
import type { GuardrailBreach, RolloutEvent, RolloutState } from '../../../shared/domain/experiments';
import { DataTable, LiftBands, Section, type Column, type LiftRow } from '../components';
import { html } from '../html';
import { fmt, t, type MessageKey } from '../i18n/i18n';
import type { JourneyAnswer } from '../journey-types';
import { JourneyControls } from './journeys';

/** `GET /v1/journeys/{id}/report/variants`. */
export type ExperimentAnswer = ExperimentReport;

interface ArmRow {
  key: string;
  name: string;
  detail?: string;
  arm: ArmFigures;
}

const rate = (count: number, users: number) => (users === 0 ? null : count / users);

/** The funnel, conversion, revenue and unsubscribes of each arm: the same columns for variants and stages. */
function armColumns(): Array<Column<ArmRow>> {
  const countAndRate = (count: (arm: ArmFigures) => number) => (row: ArmRow) =>
    html`${fmt.integer(count(row.arm))} <span class="muted small">${fmt.percent(rate(count(row.arm), row.arm.users))}</span>`;
  return [
    {
      header: t('experiment.arm'),
      cell: (row) => html`${row.name}${row.detail ? html`<div class="muted small">${row.detail}</div>` : null}`,
    },
    { header: t('experiment.users'), num: true, cell: (row) => fmt.integer(row.arm.users) },
    { header: t('experiment.sent'), num: true, cell: countAndRate((arm) => arm.sent) },
    { header: t('report.delivered'), num: true, cell: countAndRate((arm) => arm.delivered) },
    { header: t('report.opened'), num: true, cell: countAndRate((arm) => arm.opened) },
    { header: t('report.clicked'), num: true, cell: countAndRate((arm) => arm.clicked) },
    { header: t('experiment.converted7'), num: true, cell: countAndRate((arm) => arm.reactivated7d) },
    { header: t('experiment.converted30'), num: true, cell: countAndRate((arm) => arm.reactivated30d) },
    { header: t('experiment.revenuePerUser'), num: true, cell: (row) => (row.arm.revenuePerUser === null ? '—' : fmt.usd(row.arm.revenuePerUser)) },
    { header: t('experiment.unsubscribed'), num: true, cell: countAndRate((arm) => arm.unsubscribed) },
  ];
}

const breachWords = (breach: GuardrailBreach) =>
  breach.guardrail === 'primary-metric'
    ? t('rollout.breach.primary', { observed: fmt.percent(-breach.observed), limit: fmt.percent(-breach.limit) })
    : t('rollout.breach.rate', {
        guardrail: t(`rollout.guardrail.${breach.guardrail}` as MessageKey),
        observed: fmt.percent(breach.observed),
        limit: fmt.percent(breach.limit),
      });

/** The halt the rollout is in now: the last `halted` event of its current stage. */
function currentHalt(state: RolloutState): Extract<RolloutEvent, { kind: 'halted' }> | null {
  if (state.status !== 'halted') return null;
  const halts = state.history.filter((event): event is Extract<RolloutEvent, { kind: 'halted' }> => event.kind === 'halted' && event.stage === state.stage);
  return halts.at(-1) ?? null;
}

const eventWords = (event: RolloutEvent) => {
  switch (event.kind) {
    case 'stage-started':
      return t('rollout.event.started', { stage: event.stage + 1, share: fmt.percent(event.share) });
    case 'halted':
      return t('rollout.event.halted', { stage: event.stage + 1, reasons: event.breaches.map(breachWords).join('; ') });
    case 'resumed':
      return t('rollout.event.resumed', { stage: event.stage + 1 });
    case 'completed':
      return t('rollout.event.completed', { stage: event.stage + 1 });
  }
};

interface StageRow {
  index: number;
  share: number;
  minHours: number;
  minSample: number;
  status: 'done' | 'expanding' | 'halted' | 'complete' | 'pending';
  startedAt: string | null;
  report: StageReport | null;
}

function Rollout(props: { journey: JourneyAnswer; report: ExperimentAnswer; onChanged: () => void }) {
  const plan = props.journey.definition.rollout;
  if (!plan) return null;
  const state = props.report.rollout;
  const current = state?.stage ?? 0;
  const rows: StageRow[] = plan.stages.map((stage, index) => ({
    index,
    share: stage.share,
    minHours: stage.minHours,
    minSample: stage.minSample,
    status: index < current ? 'done' : index > current ? 'pending' : (state?.status ?? 'expanding'),
    startedAt: state?.history.filter((event) => event.kind === 'stage-started' && event.stage === index).at(-1)?.at ?? null,
    report: props.report.stages.find((report) => report.stage === index) ?? null,
  }));
  const halt = state ? currentHalt(state) : null;
  const stageName = (row: StageRow) => t('rollout.stage', { n: row.index + 1, share: fmt.percent(row.share) });
  const columns: Array<Column<StageRow>> = [
    { header: t('rollout.stage.header'), cell: stageName },
    {
      header: t('rollout.status'),
      cell: (row) => html`<span class=${`badge rollout-${row.status}`} data-testid="stage-status">${t(`rollout.status.${row.status}` as MessageKey)}</span>`,
    },
    {
      header: t('rollout.gate'),
      cell: (row) => (row.index === plan.stages.length - 1 ? '—' : t('rollout.gate.detail', { hours: row.minHours, sample: fmt.integer(row.minSample) })),
    },
    { header: t('rollout.started'), cell: (row) => (row.startedAt ? fmt.instant(row.startedAt) : '—') },
    {
      header: t('rollout.treated'),
      num: true,
      cell: (row) =>
        row.report
          ? t('rollout.arm', {
              users: fmt.integer(row.report.treated.users),
              sent: fmt.integer(row.report.treated.sent),
              rate: fmt.percent(rate(row.report.treated.reactivated7d, row.report.treated.users)),
            })
          : '—',
    },
    {
      header: t('rollout.holdout'),
      num: true,
      cell: (row) =>
        row.report
          ? t('rollout.arm.holdout', {
              users: fmt.integer(row.report.holdout.users),
              rate: fmt.percent(rate(row.report.holdout.reactivated7d, row.report.holdout.users)),
            })
          : '—',
    },
  ];
  const lifts: LiftRow[] = rows
    .filter((row) => row.report)
    .map((row) => ({ label: stageName(row), estimate: row.report!.lift7d?.estimate ?? null, band: row.report!.lift7d ?? null }));
  return html`<${Section} id="rollout" title=${t('rollout.title')} wide=${true}>
    <p data-testid="rollout-summary">
      ${
        state
          ? t(`rollout.summary.${state.status}` as MessageKey, { stage: state.stage + 1, stages: plan.stages.length, since: fmt.instant(state.stageStartedAt) })
          : t('rollout.summary.none')
      }
    </p>
    ${
      halt
        ? html`<div class="halt" role="alert" data-testid="rollout-halt">
            <strong>${t('rollout.halted', { stage: halt.stage + 1, at: fmt.instant(halt.at) })}</strong>
            <ul>
              ${halt.breaches.map((breach) => html`<li>${breachWords(breach)}</li>`)}
            </ul>
            <${JourneyControls}
              journeyId=${props.journey.journeyId}
              status=${props.journey.status}
              only=${['resume', 'stop']}
              labels=${{ resume: t('rollout.resume'), stop: t('rollout.stop') }}
              messages=${{
                resume: t('rollout.confirm.resume', { stage: halt.stage + 1, reasons: halt.breaches.map(breachWords).join('; ') }),
                stop: t('rollout.confirm.stop', { id: props.journey.journeyId }),
              }}
              onChanged=${props.onChanged}
            />
          </div>`
        : null
    }
    <${DataTable} label=${t('rollout.title')} columns=${columns} rows=${rows} rowKey=${(row: StageRow) => String(row.index)} testId="rollout-stages" />
    ${
      lifts.length > 0
        ? html`<h3>${t('rollout.lift')}</h3>
            <${LiftBands} rows=${lifts} legend=${t('lift.legend.sequential')} testId="stage-lift" />`
        : null
    }
    ${
      state && state.history.length > 0
        ? html`<h3>${t('rollout.history')}</h3>
            <ol class="plain history">
              ${state.history.map((event) => html`<li><span class="muted">${fmt.instant(event.at)}</span> ${eventWords(event)}</li>`)}
            </ol>`
        : null
    }
  <//>`;
}

function Verdict(props: { step: SendStepExperiment }) {
  const { verdict, sampleRatio } = props.step.analysis;
  const words =
    verdict.kind === 'winner'
      ? t('experiment.verdict.winner', { variant: verdict.variantId })
      : verdict.kind === 'withheld'
        ? t('experiment.verdict.withheld')
        : t('experiment.verdict.none');
  return html`<div class="verdict">
    <span class=${`badge verdict-${verdict.kind}`} data-testid="verdict">${words}</span>
    ${
      sampleRatio
        ? html`<span class=${sampleRatio.mismatch ? 'badge srm-mismatch' : 'muted small'} data-testid="srm">
            ${t(sampleRatio.mismatch ? 'experiment.srm.mismatch' : 'experiment.srm.ok', { chi: fmt.decimal(sampleRatio.chiSquare), p: sampleRatio.pValue.toPrecision(2) })}
          </span>`
        : html`<span class="muted small">${t('experiment.srm.none')}</span>`
    }
  </div>`;
}

function Variants(props: { step: SendStepExperiment }) {
  const { step } = props;
  const analysis = step.analysis;
  const rows: ArmRow[] = [
    ...analysis.variants.map((variant) => ({
      key: variant.id,
      name: variant.id,
      detail: t(`experiment.against.${variant.against}` as MessageKey),
      arm: step.variants[variant.id]!,
    })),
    { key: '#holdout', name: t('report.holdout'), detail: t('experiment.control'), arm: step.holdout },
  ];
  const lifts: LiftRow[] = analysis.variants.map((variant) => ({
    label: variant.id,
    detail: t('experiment.users.count', { users: fmt.integer(variant.counts.users) }),
    estimate: variant.liftSequential?.estimate ?? null,
    band: variant.liftSequential,
    fixed: variant.liftFixedHorizon,
  }));
  return html`<div class="experiment-step" data-send=${step.sendNumber}>
    <h3>${t('experiment.send', { n: step.sendNumber })}</h3>
    <${Verdict} step=${step} />
    <${DataTable}
      label=${t('experiment.send', { n: step.sendNumber })}
      columns=${armColumns()}
      rows=${rows}
      rowKey=${(row: ArmRow) => row.key}
      testId="variant-table"
    />
    <${LiftBands}
      rows=${lifts}
      legend=${analysis.plannedSampleReached ? t('lift.legend.both') : t('lift.legend.sequential')}
      testId=${`variant-lift-${step.sendNumber}`}
    />
  </div>`;
}

/** The journey's experiments: its staged rollout and the variants of each send step, the global control group apart. */
export function ExperimentSections(props: { journey: JourneyAnswer; report: ExperimentAnswer; onChanged: () => void }) {
  const { report } = props;
  const control = report.globalControl;
  return html`<${Rollout} journey=${props.journey} report=${report} onChanged=${props.onChanged} /> ${
      report.steps.length > 0
        ? html`<${Section} id="variants" title=${t('experiment.title')} wide=${true}>
            ${report.steps.map((step) => html`<${Variants} key=${step.sendNumber} step=${step} />`)}
          <//>`
        : null
    }
    ${
      report.steps.length > 0 || props.journey.definition.rollout
        ? html`<p class="muted small wide-note" data-testid="global-control">
            ${t('experiment.globalControl', {
              share: fmt.percent(control.share),
              users: fmt.integer(control.members.users),
              rate: fmt.percent(rate(control.members.reactivated7d, control.members.users)),
            })}
          </p>`
        : null
    }`;
}
