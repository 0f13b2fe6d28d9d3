import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, ApiError } from '../api';
import { audienceDraft, filterOf, TIERS } from '../audience-draft';
import { ConfirmDialog, FieldError, LoadState, RequestError, Section, useLoad } from '../components';
import { html } from '../html';
import { fmt, t } from '../i18n/i18n';
import type { JourneyRow, PreviewAnswer } from '../journey-types';
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
      <${CreateJourney} onLaunched=${list.reload} />
      <${Section} id="journeys" title=${t('journeys.title')} wide=${true}>
        <${LoadState} loaded=${list} />
        ${rows && rows.length === 0 ? html`<p class="muted">${t('journeys.none')}</p>` : null}
        ${
          rows && rows.length > 0
            ? html`<div class="scroll" tabindex="0">
                <table data-testid="journeys-table">
                  <thead>
                    <tr>
                      <th scope="col">${t('journeys.id')}</th>
                      <th scope="col">${t('journeys.tier')}</th>
                      <th scope="col">${t('journeys.status')}</th>
                      <th scope="col">${t('journeys.progress')}</th>
                      <th scope="col">${t('journeys.launched')}</th>
                      <th scope="col">${t('journeys.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${rows.map(
                      (row) =>
                        html`<tr data-journey=${row.journeyId}>
                          <th scope="row">
                            <a href=${hrefOf(`journeys/${encodeURIComponent(row.journeyId)}`)}>${row.journeyId}</a>
                            <div class="muted small">${row.name}</div>
                          </th>
                          <td>${row.tier}</td>
                          <td><${StatusBadge} status=${row.status} /></td>
                          <td>
                            ${t('journeys.progress.list', { enrolled: fmt.integer(row.launch?.enrolled ?? 0), holdout: fmt.integer(row.launch?.holdout ?? 0) })}
                          </td>
                          <td>${fmt.instant(row.launchedAt)}</td>
                          <td><${JourneyControls} journeyId=${row.journeyId} status=${row.status} onChanged=${list.reload} /></td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
            : null
        }
      <//>
    </div>
  </div>`;
}

const stamp = () => new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '');

function CreateJourney(props: { onLaunched: () => void }) {
  const tier = useSignal('R3');
  const journeyId = useSignal(`recall-r3-${stamp()}`);
  const audienceFrom = useSignal<'tier' | 'builder'>('tier');
  const automatic = useSignal(false);
  const preview = useSignal<PreviewAnswer | null>(null);
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<ApiError | Error | null>(null);
  const launched = useSignal<string | null>(null);
  const body = () => ({
    defaultTier: tier.value,
    id: journeyId.value,
    audience: audienceFrom.value === 'tier' ? { tiers: [tier.value] } : filterOf(audienceDraft.value),
    ...(automatic.value ? { automatic: true } : {}),
  });
  const askToLaunch = async (event: Event) => {
    event.preventDefault();
    try {
      preview.value = await api<PreviewAnswer>('POST', '/v1/journeys/preview', body());
      error.value = null;
      confirming.value = true;
    } catch (failure) {
      error.value = failure as Error;
    }
  };
  const launch = async () => {
    busy.value = true;
    try {
      const answer = await api<{ journeyId: string }>('POST', '/v1/journeys', body());
      launched.value = answer.journeyId;
      error.value = null;
      journeyId.value = `recall-${tier.value.toLowerCase()}-${stamp()}`;
      props.onLaunched();
    } catch (failure) {
      error.value = failure as Error;
    } finally {
      busy.value = false;
      confirming.value = false;
    }
  };
  const apiError = error.value instanceof ApiError ? error.value : null;
  const p = preview.value;
  return html`<${Section} id="create" title=${t('journeys.create')} wide=${true}>
    <form class="create" onSubmit=${askToLaunch}>
      <div class="field">
        <label for="create-tier">${t('journeys.create.tier')}</label>
        <select
          id="create-tier"
          value=${tier.value}
          aria-describedby="create-tier-error"
          onChange=${(event: Event) => {
            tier.value = (event.target as HTMLSelectElement).value;
            journeyId.value = `recall-${tier.value.toLowerCase()}-${stamp()}`;
          }}
        >
          ${TIERS.map((value) => html`<option value=${value}>${t(`tier.${value}` as 'tier.R1')}</option>`)}
        </select>
        <${FieldError} error=${apiError} path="defaultTier" id="create-tier-error" />
      </div>
      <div class="field">
        <label for="create-id">${t('journeys.create.id')}</label>
        <input
          id="create-id"
          value=${journeyId.value}
          aria-describedby="create-id-error"
          onInput=${(event: Event) => (journeyId.value = (event.target as HTMLInputElement).value)}
        />
        <${FieldError} error=${apiError} path="id" id="create-id-error" />
      </div>
      <fieldset class="field" aria-describedby="create-audience-error">
        <legend>${t('journeys.create.audience')}</legend>
        <label class="check"
          ><input type="radio" name="audience-from" checked=${audienceFrom.value === 'tier'} onChange=${() => (audienceFrom.value = 'tier')} />
          ${t('journeys.create.audience.tier', { tier: tier.value })}</label
        >
        <label class="check"
          ><input type="radio" name="audience-from" checked=${audienceFrom.value === 'builder'} onChange=${() => (audienceFrom.value = 'builder')} />
          ${t('journeys.create.audience.builder')}</label
        >
        <${FieldError} error=${apiError} path="audience" id="create-audience-error" />
      </fieldset>
      <label class="check"
        ><input type="checkbox" checked=${automatic.value} onChange=${(event: Event) => (automatic.value = (event.target as HTMLInputElement).checked)} />
        ${t('journeys.create.automatic')}</label
      >
      <${RequestError} error=${error.value} shownPaths=${['defaultTier', 'id', 'audience']} />
      <div class="actions"><button type="submit">${t('journeys.create.launch')}</button></div>
      ${launched.value ? html`<p class="ok" role="status">${t('journeys.launched.ok', { id: launched.value })}</p>` : null}
    </form>
    <${ConfirmDialog}
      open=${confirming.value && p !== null}
      busy=${busy.value}
      title=${t('journeys.create.launch').replace('…', '')}
      message=${
        p
          ? t('journeys.confirm.launch', {
              id: journeyId.value,
              treatment: fmt.integer(p.treatment),
              holdout: fmt.integer(p.holdout),
              messages: fmt.integer(p.expectedMessages.total),
              cost: fmt.usd(p.costUsd.total),
            })
          : ''
      }
      confirmLabel=${t('journeys.create.launch').replace('…', '')}
      onConfirm=${launch}
      onCancel=${() => (confirming.value = false)}
    />
  <//>`;
}
