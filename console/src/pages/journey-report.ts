import { useEffect } from 'preact/hooks';
import type { LiftEstimate, ReportSection } from '../../../shared/domain/journeys/journey-report';
import { api } from '../api';
import { LoadState, Metric, Section, useLoad } from '../components';
import { html } from '../html';
import { fmt, t } from '../i18n/i18n';
import type { JourneyAnswer, ReportAnswer } from '../journey-types';
import { hrefOf } from '../router';
import { JourneyControls, StatusBadge } from './journeys';

const REFRESH_MS = 1500;

export function JourneyReportPage(props: { journeyId: string }) {
  const path = `/v1/journeys/${encodeURIComponent(props.journeyId)}`;
  const journey = useLoad(() => api<JourneyAnswer>('GET', path), [props.journeyId]);
  const report = useLoad(() => api<ReportAnswer>('GET', `${path}/report`), [props.journeyId]);
  const progress = journey.value?.progress;
  const moving = journey.value?.status === 'launching' || (progress !== undefined && progress.started < progress.queued && journey.value?.status !== 'stopped');
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(() => {
      journey.reload();
      report.reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [moving]);
  const refresh = () => {
    journey.reload();
    report.reload();
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
      ${r ? html`<${Funnel} section=${r.overall} exits=${r.exits} failures=${r.failures} /><${Reactivation} report=${r} /><${LiftBands} report=${r} />` : null}
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
  lift ? `${fmt.percent(lift.absolute)} [${fmt.percent(lift.confidence95.lower)}, ${fmt.percent(lift.confidence95.upper)}]` : t('report.none');

function sectionsOf(report: ReportAnswer): Array<[string, ReportSection]> {
  return [[t('report.overall'), report.overall], ...Object.entries(report.perTier).map(([tier, section]) => [tier, section] as [string, ReportSection])];
}

function Reactivation(props: { report: ReportAnswer }) {
  return html`<${Section} id="reactivation" title=${t('report.reactivation')} wide=${true}>
    <div class="scroll" tabindex="0">
      <table>
        <thead>
          <tr>
            <th scope="col">${t('report.group')}</th>
            <th scope="col" class="num">${t('report.treated')} · ${t('report.within7')}</th>
            <th scope="col" class="num">${t('report.holdout')} · ${t('report.within7')}</th>
            <th scope="col">${t('report.lift')} · ${t('report.within7')}</th>
            <th scope="col" class="num">${t('report.treated')} · ${t('report.within30')}</th>
            <th scope="col" class="num">${t('report.holdout')} · ${t('report.within30')}</th>
            <th scope="col">${t('report.lift')} · ${t('report.within30')}</th>
            <th scope="col" class="num">${t('report.revenue')}</th>
          </tr>
        </thead>
        <tbody>
          ${sectionsOf(props.report).map(
            ([name, section]) =>
              html`<tr>
                <th scope="row">
                  ${name} <span class="muted small">(${fmt.integer(section.treatment.enrolled)} / ${fmt.integer(section.holdout.enrolled)})</span>
                </th>
                <td class="num">${fmt.percent(section.treatment.reactivationRate7d)}</td>
                <td class="num">${fmt.percent(section.holdout.reactivationRate7d)}</td>
                <td>${liftText(section.liftWithin7d)}</td>
                <td class="num">${fmt.percent(section.treatment.reactivationRate30d)}</td>
                <td class="num">${fmt.percent(section.holdout.reactivationRate30d)}</td>
                <td>${liftText(section.liftWithin30d)}</td>
                <td class="num">${section.incrementalRevenue === null ? t('report.none') : fmt.usd(section.incrementalRevenue)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  <//>`;
}

/** Each group's 30-day lift as a dot on its 95% interval, drawn as a band across a zero line. */
function LiftBands(props: { report: ReportAnswer }) {
  const rows = sectionsOf(props.report);
  const width = 600;
  const rowHeight = 34;
  const left = 120;
  const plot = width - left - 20;
  const x = (value: number) => left + ((Math.max(-1, Math.min(1, value)) + 1) / 2) * plot;
  const height = rows.length * rowHeight + 30;
  return html`<${Section} id="lift" title=${t('report.lift.chart')} wide=${true}>
    <svg viewBox=${`0 0 ${width} ${height}`} class="lift" role="img" aria-label=${rows.map(([name, s]) => `${name}: ${liftText(s.liftWithin30d)}`).join('; ')}>
      <line x1=${x(0)} x2=${x(0)} y1="0" y2=${height - 24} class="zero" />
      ${[-1, -0.5, 0, 0.5, 1].map((tick) => html`<text x=${x(tick)} y=${height - 8} text-anchor="middle" class="tick">${fmt.percent(tick)}</text>`)}
      ${rows.map(([name, section], i) => {
        const y = i * rowHeight + rowHeight / 2;
        const lift = section.liftWithin30d;
        return html`<g>
          <text x="0" y=${y + 4} class="label">${name}</text>
          ${
            lift
              ? html`<rect
                    x=${x(lift.confidence95.lower)}
                    y=${y - 8}
                    width=${Math.max(2, x(lift.confidence95.upper) - x(lift.confidence95.lower))}
                    height="16"
                    rx="4"
                    class="band"
                  />
                  <circle cx=${x(lift.absolute)} cy=${y} r="5" class="dot" />`
              : html`<text x=${x(0) + 8} y=${y + 4} class="tick">${t('report.none')}</text>`
          }
        </g>`;
      })}
    </svg>
    <p class="muted small">${t('report.within30')}</p>
  <//>`;
}
