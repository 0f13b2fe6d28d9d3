import { useSignal } from '@preact/signals';
import type { DrawResult } from '../../../shared/domain/loyalty/monthly-draw';
import { api } from '../api';
import { LoadState, RequestError, Section, useLoad } from '../components';
import { html } from '../html';
import { fmt, t } from '../i18n/i18n';

interface IncentiveRow {
  ruleId: string;
  exposed: number;
  completed: number;
  rate: number | null;
  rule: { eventType: string; count: number; window: string; rewardPoints: number };
}

export function ProgramsPage() {
  const incentives = useLoad(() => api<{ rules: IncentiveRow[] }>('GET', '/v1/incentives/report'));
  return html`<div class="page">
    <h1>${t('programs.title')}</h1>
    <div class="grid">
      <${Section} id="incentives" title=${t('programs.incentives')} wide=${true}>
        <${LoadState} loaded=${incentives} />
        ${
          incentives.value
            ? html`<div class="scroll" tabindex="0">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">${t('programs.rule')}</th>
                      <th scope="col" class="num">${t('programs.exposed')}</th>
                      <th scope="col" class="num">${t('programs.completed')}</th>
                      <th scope="col" class="num">${t('programs.conversion')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${incentives.value.rules.map(
                      (row) =>
                        html`<tr>
                          <th scope="row">
                            ${row.ruleId}
                            <div class="muted small">
                              ${t('programs.rule.detail', { count: row.rule.count, event: row.rule.eventType, window: row.rule.window, points: row.rule.rewardPoints })}
                            </div>
                          </th>
                          <td class="num">${fmt.integer(row.exposed)}</td>
                          <td class="num">${fmt.integer(row.completed)}</td>
                          <td class="num">${fmt.percent(row.rate)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
            : null
        }
      <//>
      <${Draw} />
      <${Section} id="funnel" title=${t('programs.funnel')}>
        <p class="muted">${t('waiting.api', { what: t('programs.funnel') })}</p>
      <//>
    </div>
  </div>`;
}

/** A published monthly draw: its seed and entries, so anyone can reproduce it. */
function Draw() {
  const month = useSignal(new Date().toISOString().slice(0, 7));
  const draw = useSignal<DrawResult | null>(null);
  const error = useSignal<Error | null>(null);
  const show = async (event: Event) => {
    event.preventDefault();
    try {
      draw.value = (await api<{ result: DrawResult }>('GET', `/v1/draws/${encodeURIComponent(month.value)}`)).result;
      error.value = null;
    } catch (failure) {
      draw.value = null;
      error.value = failure as Error;
    }
  };
  return html`<${Section} id="draw" title=${t('programs.draw')}>
    <form class="inline" onSubmit=${show}>
      <label for="draw-month">${t('programs.draw.month')}</label>
      <input id="draw-month" type="month" value=${month.value} onInput=${(event: Event) => (month.value = (event.target as HTMLInputElement).value)} />
      <button type="submit">${t('programs.draw.show')}</button>
    </form>
    <${RequestError} error=${error.value} />
    ${
      draw.value
        ? html`<p class="break">
            ${t('programs.draw.seed', { seed: draw.value.seed, entries: fmt.integer(draw.value.entries.length), winners: draw.value.winners.join(', ') || t('none') })}
          </p>`
        : null
    }
  <//>`;
}
