import { useEffect } from 'preact/hooks';
import type { LiftEstimate, ReportSection } from '../../../shared/domain/journeys/journey-report';
import { api } from '../api';
import { DataTable, LiftBands, LoadState, Metric, Section, useLoad, type Column } from '../components';
import { html } from '../html';
import { fmt, t } from '../i18n/i18n';
import type { JourneyAnswer, ReportAnswer } from '../journey-types';
import { hrefOf } from '../router';
import { ExperimentSections, type ExperimentAnswer } from './journey-experiment';
import { JourneyControls, StatusBadge } from './journeys';

const REFRESH_MS = 1500;

export function JourneyReportPage(props: { journeyId: string }) {
  const path = `/v1/journeys/${encodeURIComponent(props.journeyId)}`;
  const journey = useLoad(() => api<JourneyAnswer>('GET', path), [props.journeyId]);
  const report = useLoad(() => api<ReportAnswer>('GET', `${path}/report`), [props.journeyId]);
  const experiment = useLoad(() => api<ExperimentAnswer>('GET', `${path}/report/variants`), [props.journeyId]);
  const progress = journey.value?.progress;
  const moving = journey.value?.status === 'launching' || (progress !== undefined && progress.started < progress.queued && journey.value?.status !== 'stopped');
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(() => {
      journey.reload();
      report.reload();
      experiment.reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [moving]);
  const refresh = () => {
    journey.reload();
    report.reload();
    experiment.reload();
  };
  const j = journey.value;
  const r = report.value;
  return html`<div class="page">
    <p><a href=${hrefOf('journeys')}>← ${t('report.back')}</a></p>
    <h1>${t('report.title', { id: props.journeyId })}</h1>
    <${LoadState} loaded=${journey} />
    ${
      j
        ? html`<div class="headline">
            <${StatusBadge} status=${j.status} />
            <span>${j.definition.name}</span>
            <${JourneyControls} journeyId=${j.journeyId} status=${j.status} onChanged=${refresh} />
          </div>`
        : null
    }
    <div class="grid">
      ${
        j
          ? html`<${Section} id="progress" title=${t('journeys.progress')}>
                <p data-testid="journey-progress">
                  ${t('journeys.progress.detail', {
                    enrolled: fmt.integer(j.progress.enrolled),
                    holdout: fmt.integer(j.progress.holdout),
                    started: fmt.integer(j.progress.started),
                    queued: fmt.integer(j.progress.queued),
                  })}
                </p>
                <label for="progress-segments">${t('journeys.segments', { done: j.progress.segmentsDone, total: j.progress.totalSegments })}</label>
                <progress id="progress-segments" max=${j.progress.totalSegments} value=${j.progress.segmentsDone}></progress>
              <//>
              <${Section} id="steps" title=${t('report.steps')}>
                <ol class="plain">
                  ${j.definition.steps.map(
                    (step) =>
                      html`<li>
                        ${
                          step.kind === 'wait'
                            ? t('report.step.wait', { days: step.days })
                            : step.kind === 'send'
                              ? t('report.step.send', { channels: step.channels.join(' + '), template: step.templateId })
                              : t('report.step.branch')
                        }
                      </li>`,
                  )}
                </ol>
              <//>`
          : null
      }
      <${LoadState} loaded=${report} />
      ${r ? html`<${Funnel} section=${r.overall} exits=${r.exits} failures=${r.failures} /><${Reactivation} report=${r} /><${TierLift} report=${r} />` : null}
      <${LoadState} loaded=${experiment} />
      ${j && experiment.value ? html`<${ExperimentSections} journey=${j} report=${experiment.value} onChanged=${refresh} />` : null}
    </div>
  </div>`;
}

function Funnel(props: { section: ReportSection; exits: Record<string, number>; failures: number }) {
  const treated = props.section.treatment;
  const skipped = Object.entries(treated.skippedByReason ?? {})
    .map(([reason, count]) => `${reason} ${fmt.integer(count)}`)
    .join(', ');
  const exits = Object.entries(props.exits)
    .map(([kind, count]) => `${kind} ${fmt.integer(count)}`)
    .join(', ');
  return html`<${Section} id="funnel" title=${t('report.funnel')} wide=${true}>
    <div class="metrics small">
      <${Metric} label=${t('report.enrolled')} value=${fmt.integer(treated.enrolled)} />
      <${Metric} label=${t('report.contacted')} value=${fmt.integer(treated.contacted)} detail=${fmt.percent(treated.contactRate)} />
      <${Metric} label=${t('report.delivered')} value=${fmt.integer(treated.delivered)} detail=${fmt.percent(treated.deliveryRate)} />
      <${Metric} label=${t('report.opened')} value=${fmt.integer(treated.opened)} detail=${fmt.percent(treated.openRate)} />
      <${Metric} label=${t('report.clicked')} value=${fmt.integer(treated.clicked)} detail=${fmt.percent(treated.clickRate)} />
    </div>
    ${skipped ? html`<p class="muted small">${t('report.skipped', { reasons: skipped })}</p>` : null}
    <p class="muted small">${t('report.exits', { exits: exits || t('none'), failures: fmt.integer(props.failures) })}</p>
  <//>`;
}

const liftText = (lift: LiftEstimate | null) =>
  lift
    ? `${fmt.signedPercent(lift.absolute)} [${fmt.signedPercent(lift.confidence95.lower)}, ${fmt.signedPercent(lift.confidence95.upper)}]`
    : t('report.none');

function sectionsOf(report: ReportAnswer): Array<[string, ReportSection]> {
  return [[t('report.overall'), report.overall], ...Object.entries(report.perTier).map(([tier, section]) => [tier, section] as [string, ReportSection])];
}

type GroupRow = [string, ReportSection];

function Reactivation(props: { report: ReportAnswer }) {
  const columns: Array<Column<GroupRow>> = [
    {
      header: t('report.group'),
      cell: ([name, section]) =>
        html`${name} <span class="muted small">(${fmt.integer(section.treatment.enrolled)} / ${fmt.integer(section.holdout.enrolled)})</span>`,
    },
    { header: `${t('report.treated')} · ${t('report.within7')}`, num: true, cell: ([, section]) => fmt.percent(section.treatment.reactivationRate7d) },
    { header: `${t('report.holdout')} · ${t('report.within7')}`, num: true, cell: ([, section]) => fmt.percent(section.holdout.reactivationRate7d) },
    { header: `${t('report.lift')} · ${t('report.within7')}`, cell: ([, section]) => liftText(section.liftWithin7d) },
    { header: `${t('report.treated')} · ${t('report.within30')}`, num: true, cell: ([, section]) => fmt.percent(section.treatment.reactivationRate30d) },
    { header: `${t('report.holdout')} · ${t('report.within30')}`, num: true, cell: ([, section]) => fmt.percent(section.holdout.reactivationRate30d) },
    { header: `${t('report.lift')} · ${t('report.within30')}`, cell: ([, section]) => liftText(section.liftWithin30d) },
    {
      header: t('report.revenue'),
      num: true,
      cell: ([, section]) => (section.incrementalRevenue === null ? t('report.none') : fmt.usd(section.incrementalRevenue)),
    },
  ];
  return html`<${Section} id="reactivation" title=${t('report.reactivation')} wide=${true}>
    <${DataTable} label=${t('report.reactivation')} columns=${columns} rows=${sectionsOf(props.report)} rowKey=${(row: GroupRow) => row[0]} />
  <//>`;
}

/** Each group's 30-day lift against the holdout as a dot on its 95% interval, drawn as a band across a zero line. */
function TierLift(props: { report: ReportAnswer }) {
  const rows = sectionsOf(props.report).map(([name, section]) => ({
    label: name,
    estimate: section.liftWithin30d?.absolute ?? null,
    band: section.liftWithin30d?.confidence95 ?? null,
  }));
  return html`<${Section} id="lift" title=${t('report.lift.chart')} wide=${true}>
    <${LiftBands} rows=${rows} legend=${t('report.lift.legend')} testId="tier-lift" />
  <//>`;
}
