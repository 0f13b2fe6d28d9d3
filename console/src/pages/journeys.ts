import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api } from '../api';
import { JourneyEditor } from './journey-editor';
import { ConfirmDialog, DataTable, LoadState, RequestError, Section, useLoad, type Column } from '../components';
import { html } from '../html';
import { fmt, t } from '../i18n/i18n';
import type { JourneyRow } from '../journey-types';
import { hrefOf } from '../router';

/** How often the list is read again while a journey is launching (wall clock: the launch runs on its own). */
const REFRESH_MS = 1500;

export type JourneyControl = 'pause' | 'resume' | 'stop';

/** The controls a journey in `status` takes (the API refuses the others with 409). */
export function controlsOf(status: string): JourneyControl[] {
  switch (status) {
    case 'launching':
    case 'running':
      return ['pause', 'stop'];
    case 'paused':
      return ['resume', 'stop'];
    case 'draft':
      return ['stop'];
    default:
      return [];
  }
}

export function StatusBadge(props: { status: string }) {
  return html`<span class=${`badge status-${props.status}`} data-testid="journey-status">${t(`status.${props.status}` as 'status.running')}</span>`;
}

/** Pause, resume or stop one journey, each behind a confirmation that says what will happen. */
export function JourneyControls(props: {
  journeyId: string;
  status: string;
  onChanged: () => void;
  /** Show only these of the controls the status allows. */
  only?: JourneyControl[];
  /** A button's words instead of "Pause <id>" (its confirmation keeps the journey's id). */
  labels?: Partial<Record<JourneyControl, string>>;
  /** What the confirmation says will happen, where the context says more than the journey's status. */
  messages?: Partial<Record<JourneyControl, string>>;
}) {
  const pending = useSignal<JourneyControl | null>(null);
  const error = useSignal<Error | null>(null);
  const busy = useSignal(false);
  const run = async () => {
    const command = pending.value;
    if (!command) return;
    busy.value = true;
    try {
      await api('POST', `/v1/journeys/${encodeURIComponent(props.journeyId)}/${command}`);
      error.value = null;
      props.onChanged();
    } catch (failure) {
      error.value = failure as Error;
    } finally {
      busy.value = false;
      pending.value = null;
    }
  };
  const command = pending.value;
  return html`<div class="controls">
    ${controlsOf(props.status)
      .filter((control) => props.only === undefined || props.only.includes(control))
      .map(
        (control) =>
          html`<button type="button" class=${control === 'stop' ? 'danger small' : 'secondary small'} onClick=${() => (pending.value = control)}>
            ${props.labels?.[control] ?? html`${t(`journeys.${control}`)}<span class="visually-hidden"> ${props.journeyId}</span>`}
          </button>`,
      )}
    <${RequestError} error=${error.value} />
    <${ConfirmDialog}
      open=${command !== null}
      busy=${busy.value}
      title=${command ? `${t(`journeys.${command}`)} ${props.journeyId}` : ''}
      message=${command ? (props.messages?.[command] ?? t(`journeys.confirm.${command}`, { id: props.journeyId })) : ''}
      confirmLabel=${command ? t(`journeys.${command}`) : t('confirm.ok')}
      onConfirm=${run}
      onCancel=${() => (pending.value = null)}
    />
  </div>`;
}

function journeyColumns(reload: () => void): Array<Column<JourneyRow>> {
  return [
    {
      header: t('journeys.id'),
      cell: (row) =>
        html`<a href=${hrefOf(`journeys/${encodeURIComponent(row.journeyId)}`)}>${row.journeyId}</a>
          <div class="muted small">${row.name}</div>`,
    },
    { header: t('journeys.tier'), cell: (row) => row.tier || t('journeys.lifecycle') },
    { header: t('journeys.status'), cell: (row) => html`<${StatusBadge} status=${row.status} />` },
    {
      header: t('journeys.progress'),
      cell: (row) => t('journeys.progress.list', { enrolled: fmt.integer(row.launch?.enrolled ?? 0), holdout: fmt.integer(row.launch?.holdout ?? 0) }),
    },
    { header: t('journeys.launched'), cell: (row) => fmt.instant(row.launchedAt) },
    { header: t('journeys.actions'), cell: (row) => html`<${JourneyControls} journeyId=${row.journeyId} status=${row.status} onChanged=${reload} />` },
  ];
}

export function JourneysPage() {
  const list = useLoad(() => api<{ journeys: JourneyRow[] }>('GET', '/v1/journeys'));
  const launching = list.value?.journeys.some((journey) => journey.status === 'launching') ?? false;
  useEffect(() => {
    if (!launching) return;
    const timer = setInterval(list.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [launching]);
  const rows = list.value?.journeys ?? null;
  return html`<div class="page">
    <h1>${t('journeys.title')}</h1>
    <div class="grid">
      <${Section} id="journeys" title=${t('journeys.list')} wide=${true}>
        <${LoadState} loaded=${list} />
        ${rows && rows.length === 0 ? html`<p class="muted">${t('journeys.none')}</p>` : null}
        ${
          rows && rows.length > 0
            ? html`<${DataTable}
                label=${t('journeys.title')}
                columns=${journeyColumns(list.reload)}
                rows=${rows}
                rowKey=${(row: JourneyRow) => row.journeyId}
                rowAttributes=${(row: JourneyRow) => ({ 'data-journey': row.journeyId })}
                testId="journeys-table"
              />`
            : null
        }
      <//>
      <${JourneyEditor} onLaunched=${list.reload} />
    </div>
  </div>`;
}
