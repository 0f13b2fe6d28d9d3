import { useSignal } from '@preact/signals';
import type { HealthAlert, HealthDay, Incident } from '../../../shared/domain/health';
import type { FeatureComplaints } from '../../../shared/domain/health/feedback';
import type { KillSwitchState } from '../../../shared/domain/messaging/kill-switch';
import { api, ApiError } from '../api';
import {
  ConfirmDialog,
  DataTable,
  FieldError,
  LoadState,
  Metric,
  RequestError,
  Section,
  shade,
  ShareBar,
  TimeSeries,
  useLoad,
  type Column,
} from '../components';
import { html } from '../html';
import { fmt, t } from '../i18n/i18n';

const TREND_DAYS = 30;

interface HealthTrend {
  latest: HealthDay | null;
  days: HealthDay[];
}

async function loadTrend(): Promise<HealthTrend> {
  const latest = await api<{ days: HealthDay[] }>('GET', '/v1/health/daily');
  const last = latest.days.at(-1);
  if (!last) return { latest: null, days: [] };
  const from = new Date(Date.parse(`${last.day}T00:00:00Z`) - (TREND_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const range = await api<{ days: HealthDay[] }>('GET', `/v1/health/daily?from=${from}&to=${last.day}`);
  return { latest: last, days: range.days };
}

export function OverviewPage() {
  const trend = useLoad(loadTrend);
  const alerts = useLoad(() => api<{ alerts: HealthAlert[] }>('GET', '/v1/alerts'));
  const incidents = useLoad(() => api<{ incidents: Incident[] }>('GET', '/v1/incidents'));
  const day = trend.value?.latest ?? null;
  return html`<div class="page">
    <h1>${t('overview.title')}</h1>
    <${LoadState} loaded=${trend} />
    ${trend.value && !day ? html`<p class="muted">${t('overview.empty')}</p>` : null}
    ${
      day
        ? html`<p class="muted">${t('overview.day', { day: fmt.day(day.day), zone: day.timeZone })}</p>
            <div class="metrics">
              <${Metric} label=${t('overview.dau')} value=${fmt.integer(day.dau)} />
              <${Metric} label=${t('overview.wau')} value=${fmt.integer(day.wau)} />
              <${Metric} label=${t('overview.mau')} value=${fmt.integer(day.mau)} />
              <${Metric} label=${t('overview.stickiness')} value=${fmt.percent(day.stickiness)} />
              <${Metric}
                label=${t('overview.d1')}
                value=${fmt.percent(day.d1.rate)}
                detail=${t('overview.d1.detail', { retained: fmt.integer(day.d1.retained), newUsers: fmt.integer(day.d1.newUsers) })}
              />
              <${Metric} label=${t('overview.active7')} value=${fmt.percent(day.activeRate7)} />
            </div>`
        : null
    }
    <div class="grid">
      ${day ? html`<${Trend} days=${trend.value!.days} />` : null}
      <${KillSwitchPanel} />
      <${IncidentPanel} incidents=${incidents} />
      ${day ? html`<${Histogram} day=${day} /><${Features} day=${day} /><${Cohorts} day=${day} />` : null}
      <${FeedbackTop} />
      <${Alerts} alerts=${alerts} />
    </div>
  </div>`;
}

function Trend(props: { days: HealthDay[] }) {
  const { days } = props;
  return html`<${Section} id="trend" title=${t('overview.trend')} wide=${true}>
    <${TimeSeries}
      days=${days.map((d) => d.day)}
      label=${t('overview.trend')}
      summary=${t('overview.trend.summary', { count: days.length, first: fmt.integer(days[0]?.dau ?? 0), last: fmt.integer(days.at(-1)?.dau ?? 0) })}
      series=${[
        { label: t('overview.dau'), values: days.map((d) => d.dau), color: '#1d4ed8' },
        { label: t('overview.wau'), values: days.map((d) => d.wau), color: '#0f766e' },
        { label: t('overview.mau'), values: days.map((d) => d.mau), color: '#7c3aed' },
        { label: t('overview.stickiness'), values: days.map((d) => d.stickiness), color: '#b45309', scale: 'share', dash: [6, 4] },
      ]}
    />
  <//>`;
}

function Histogram(props: { day: HealthDay }) {
  return html`<${Section} id="histogram" title=${t('overview.histogram')}>
    <table class="compact">
      <tbody>
        ${props.day.share7.map(
          (share, i) =>
            html`<tr>
              <th scope="row">${t('overview.histogram.days', { n: i + 1 })}</th>
              <td class="bar-cell"><${ShareBar} share=${share} label=${fmt.percent(share)} /></td>
              <td class="num">${fmt.percent(share)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  <//>`;
}

type FeatureRow = HealthDay['features'][number];

function featureColumns(): Array<Column<FeatureRow>> {
  return [
    { header: t('overview.feature'), cell: (feature) => feature.feature },
    {
      header: t('overview.feature.rate'),
      className: 'bar-cell',
      cell: (feature) =>
        html`<${ShareBar} share=${feature.rate} marker=${feature.benchmark} label=${`${fmt.percent(feature.rate)} / ${fmt.percent(feature.benchmark)}`} />
          <span class="num">${fmt.percent(feature.rate)}</span>`,
    },
    { header: t('overview.feature.benchmark'), num: true, cell: (feature) => fmt.percent(feature.benchmark) },
    {
      header: t('overview.feature.gap'),
      num: true,
      className: '',
      cell: (feature) =>
        html`<span class=${feature.rate < feature.benchmark ? 'bad' : 'good'}
          >${feature.rate >= feature.benchmark ? '+' : ''}${fmt.percent(feature.rate - feature.benchmark)}</span
        >`,
    },
  ];
}

function Features(props: { day: HealthDay }) {
  return html`<${Section} id="features" title=${t('overview.features')} wide=${true}>
    <${DataTable} label=${t('overview.features')} columns=${featureColumns()} rows=${props.day.features} rowKey=${(feature: FeatureRow) => feature.feature} />
  <//>`;
}

/** The cohort heatmap: a plain table, each cell shaded by its retention share. */
function Cohorts(props: { day: HealthDay }) {
  const cohorts = props.day.cohorts;
  const weeks = Math.max(0, ...cohorts.map((cohort) => cohort.nDay.length));
  return html`<${Section} id="cohorts" title=${t('overview.cohorts')} wide=${true}>
    <div class="scroll" tabindex="0">
      <table class="heatmap">
        <thead>
          <tr>
            <th scope="col">${t('overview.cohort')}</th>
            <th scope="col" class="num">${t('overview.cohort.users')}</th>
            ${Array.from({ length: weeks }, (_, n) => html`<th scope="col" class="num">${t('overview.cohort.week', { n })}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${cohorts.map(
            (cohort) =>
              html`<tr>
                <th scope="row">${cohort.week}</th>
                <td class="num">${fmt.integer(cohort.users)}</td>
                ${Array.from({ length: weeks }, (_, n) => {
                  const share = cohort.nDay[n] ?? null;
                  return html`<td class="num heat" style=${shade(share)}>${share === null ? '' : fmt.percent(share)}</td>`;
                })}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  <//>`;
}

function alertColumns(): Array<Column<HealthAlert>> {
  return [
    { header: t('overview.alert.day'), cell: (alert) => fmt.day(alert.day) },
    { header: t('overview.alert.level'), cell: (alert) => html`<span class=${`badge level-${alert.level}`}>${alert.level}</span>` },
    { header: t('overview.alert.summary'), cell: (alert) => alert.summary },
    { header: t('overview.alert.playbook'), cell: (alert) => alert.playbook },
  ];
}

function Alerts(props: { alerts: ReturnType<typeof useLoad<{ alerts: HealthAlert[] }>> }) {
  const list = props.alerts.value?.alerts ?? null;
  return html`<${Section} id="alerts" title=${t('overview.alerts')} wide=${true}>
    <${LoadState} loaded=${props.alerts} />
    ${list && list.length === 0 ? html`<p class="muted">${t('overview.alerts.none')}</p>` : null}
    ${
      list && list.length > 0
        ? html`<${DataTable}
            label=${t('overview.alerts')}
            columns=${alertColumns()}
            rows=${list}
            rowKey=${(alert: HealthAlert) => `${alert.day}-${alert.level}-${alert.summary}`}
          />`
        : null
    }
  <//>`;
}

function IncidentPanel(props: { incidents: ReturnType<typeof useLoad<{ incidents: Incident[] }>> }) {
  const open = props.incidents.value?.incidents.find((incident) => incident.status === 'open') ?? null;
  const confirming = useSignal(false);
  const reason = useSignal('');
  const error = useSignal<ApiError | Error | null>(null);
  const resume = async () => {
    if (!open) return;
    try {
      await api('POST', `/v1/incidents/${encodeURIComponent(open.incidentId)}/resume`, { reason: reason.value });
      confirming.value = false;
      error.value = null;
      props.incidents.reload();
    } catch (failure) {
      error.value = failure as Error;
    }
  };
  return html`<${Section} id="incident" title=${t('overview.incident')}>
    <${LoadState} loaded=${props.incidents} />
    ${props.incidents.value && !open ? html`<p class="muted">${t('overview.incident.none')}</p>` : null}
    ${
      open
        ? html`<p>${t('overview.incident.opened', { id: open.incidentId, at: fmt.instant(open.openedAt) })}</p>
            <ol class="steps">
              ${open.steps.map(
                (step) =>
                  html`<li>
                    <span class="step-letter" aria-hidden="true">${step.step}</span>
                    <div>
                      <strong>${step.step} · ${step.title}</strong>
                      <div class="muted">${step.at ? fmt.instant(step.at) : t('overview.incident.pending')}</div>
                      <div>${step.detail}</div>
                    </div>
                  </li>`,
              )}
            </ol>
            <button type="button" onClick=${() => (confirming.value = true)}>${t('overview.incident.resume')}</button>
            <${ConfirmDialog}
              open=${confirming.value}
              title=${t('overview.incident.resume')}
              message=${t('overview.incident.confirm', { id: open.incidentId })}
              confirmLabel=${t('overview.incident.resume')}
              onConfirm=${resume}
              onCancel=${() => (confirming.value = false)}
            >
              <label for="incident-reason">${t('overview.incident.reason')}</label>
              <input
                id="incident-reason"
                value=${reason.value}
                onInput=${(event: Event) => (reason.value = (event.target as HTMLInputElement).value)}
                aria-describedby="incident-reason-error"
              />
              <${FieldError} error=${error.value instanceof ApiError ? error.value : null} path="reason" id="incident-reason-error" />
              <${RequestError} error=${error.value} shownPaths=${['reason']} />
            <//>`
        : null
    }
  <//>`;
}

function KillSwitchPanel() {
  const state = useLoad(() => api<{ killSwitch: KillSwitchState }>('GET', '/v1/killswitch'));
  const reason = useSignal('');
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<ApiError | Error | null>(null);
  const killSwitch = state.value?.killSwitch ?? null;
  const change = async () => {
    if (!killSwitch) return;
    busy.value = true;
    try {
      await api('PUT', '/v1/killswitch', { active: !killSwitch.active, reason: reason.value });
      reason.value = '';
      error.value = null;
      state.reload();
    } catch (failure) {
      error.value = failure as Error;
    } finally {
      busy.value = false;
      confirming.value = false;
    }
  };
  const apiError = error.value instanceof ApiError ? error.value : null;
  return html`<${Section} id="killswitch" title=${t('killswitch.title')}>
    <${LoadState} loaded=${state} />
    ${
      killSwitch
        ? html`<p class=${killSwitch.active ? 'switch on' : 'switch off'} data-testid="killswitch-state">
              ${killSwitch.active ? t('killswitch.on') : t('killswitch.off')}
            </p>
            ${killSwitch.active ? html`<p>${t('killswitch.by', { by: killSwitch.by, since: fmt.instant(killSwitch.since), reason: killSwitch.reason })}</p>` : null}
            <form
              class="stack"
              onSubmit=${(event: Event) => {
                event.preventDefault();
                confirming.value = true;
              }}
            >
              <label for="killswitch-reason">${t('killswitch.reason')}</label>
              <input
                id="killswitch-reason"
                value=${reason.value}
                aria-invalid=${apiError?.problemsAt('reason').length ? 'true' : undefined}
                aria-describedby="killswitch-reason-error"
                onInput=${(event: Event) => (reason.value = (event.target as HTMLInputElement).value)}
              />
              <${FieldError} error=${apiError} path="reason" id="killswitch-reason-error" />
              <${RequestError} error=${error.value} shownPaths=${['reason']} />
              <button type="submit" class=${killSwitch.active ? '' : 'danger'}>${killSwitch.active ? t('killswitch.turnOff') : t('killswitch.turnOn')}</button>
            </form>
            <${ConfirmDialog}
              open=${confirming.value}
              busy=${busy.value}
              title=${killSwitch.active ? t('killswitch.turnOff') : t('killswitch.turnOn')}
              message=${killSwitch.active ? t('killswitch.confirmOff') : t('killswitch.confirmOn')}
              confirmLabel=${t('confirm.ok')}
              onConfirm=${change}
              onCancel=${() => (confirming.value = false)}
            />`
        : null
    }
  <//>`;
}

interface FeedbackAnswer {
  week: string;
  features: FeatureComplaints[];
}

/** The week's three features users complain about most (`GET /v1/feedback/top`), any ISO week on request. */
function FeedbackTop() {
  const week = useSignal('');
  const asked = useSignal('');
  const error = useSignal<ApiError | Error | null>(null);
  const shown = useSignal<FeedbackAnswer | null>(null);
  // A week the API refuses keeps the week shown before, with the API's words next to the field.
  const top = useLoad(
    (): Promise<FeedbackAnswer> =>
      api<FeedbackAnswer>('GET', `/v1/feedback/top${asked.value ? `?week=${encodeURIComponent(asked.value)}` : ''}`).then(
        (answer) => ((error.value = null), (shown.value = answer)),
        (failure: unknown) => {
          if (!(failure instanceof ApiError) || failure.problems.length === 0) throw failure;
          error.value = failure;
          return shown.value ?? { week: asked.value, features: [] };
        },
      ),
    [asked.value],
  );
  const answer = top.value;
  const apiError = error.value instanceof ApiError ? error.value : null;
  const columns: Array<Column<FeatureComplaints>> = [
    { header: t('feedback.feature'), cell: (row) => row.feature },
    { header: t('feedback.negative'), num: true, cell: (row) => `${fmt.integer(row.negative)} / ${fmt.integer(row.total)}` },
    { header: t('feedback.rating'), num: true, cell: (row) => fmt.decimal(row.averageRating) },
    {
      header: t('feedback.samples'),
      cell: (row) =>
        row.samples.length === 0
          ? '—'
          : html`<ul class="plain-list">
              ${row.samples.map((sample) => html`<li>“${sample}”</li>`)}
            </ul>`,
    },
  ];
  return html`<${Section} id="feedback" title=${t('feedback.title')} wide=${true}>
    <form
      class="inline"
      onSubmit=${(event: Event) => {
        event.preventDefault();
        asked.value = week.value.trim();
      }}
    >
      <label for="feedback-week">${t('feedback.week')}</label>
      <input
        id="feedback-week"
        value=${week.value}
        placeholder=${answer?.week ?? '2026-W49'}
        aria-invalid=${apiError?.problemsAt('week').length ? 'true' : undefined}
        aria-describedby="feedback-week-error"
        onInput=${(event: Event) => (week.value = (event.target as HTMLInputElement).value)}
      />
      <button type="submit" class="secondary">${t('feedback.show')}</button>
      <${FieldError} error=${apiError} path="week" id="feedback-week-error" />
    </form>
    <${LoadState} loaded=${top} />
    ${answer && answer.features.length === 0 ? html`<p class="muted" data-testid="feedback-none">${t('feedback.none', { week: answer.week })}</p>` : null}
    ${
      answer && answer.features.length > 0
        ? html`<p class="muted small">${t('feedback.of', { week: answer.week })}</p>
            <${DataTable}
              label=${t('feedback.title')}
              columns=${columns}
              rows=${answer.features}
              rowKey=${(row: FeatureComplaints) => row.feature}
              testId="feedback-top"
            />`
        : null
    }
  <//>`;
}
