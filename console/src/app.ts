import { useSignal } from '@preact/signals';
import { connection } from './api';
import { signInWithCognito, signInWithToken, signOut, type ConsoleConfig } from './auth';
import { html } from './html';
import { CONSOLE_LOCALES, locale, setLocale, t, type ConsoleLocale } from './i18n/i18n';
import { AudiencesPage } from './pages/audiences';
import { JourneyReportPage } from './pages/journey-report';
import { JourneysPage } from './pages/journeys';
import { OverviewPage } from './pages/overview';
import { ProgramsPage } from './pages/programs';
import { UsersPage } from './pages/users';
import { hrefOf, route, type Route } from './router';

const NAV: Array<{ page: Route['page']; path: string; label: 'nav.overview' | 'nav.audiences' | 'nav.journeys' | 'nav.programs' | 'nav.users' }> = [
  { page: 'overview', path: 'overview', label: 'nav.overview' },
  { page: 'audiences', path: 'audiences', label: 'nav.audiences' },
  { page: 'journeys', path: 'journeys', label: 'nav.journeys' },
  { page: 'programs', path: 'programs', label: 'nav.programs' },
  { page: 'users', path: 'users', label: 'nav.users' },
];

function LanguageSwitch() {
  return html`<label class="lang">
    <span>${t('lang.label')}</span>
    <select value=${locale.value} onChange=${(event: Event) => setLocale((event.target as HTMLSelectElement).value as ConsoleLocale)}>
      ${CONSOLE_LOCALES.map((tag) => html`<option value=${tag} lang=${tag}>${t(`lang.${tag}`)}</option>`)}
    </select>
  </label>`;
}

function Page(props: { route: Route }) {
  const current = props.route;
  switch (current.page) {
    case 'overview':
      return html`<${OverviewPage} />`;
    case 'audiences':
      return html`<${AudiencesPage} />`;
    case 'journeys':
      return html`<${JourneysPage} />`;
    case 'journey':
      return html`<${JourneyReportPage} key=${current.journeyId} journeyId=${current.journeyId} />`;
    case 'programs':
      return html`<${ProgramsPage} />`;
    case 'users':
      return html`<${UsersPage} key=${current.userId ?? ''} userId=${current.userId} />`;
  }
}

function SignIn(props: { config: ConsoleConfig }) {
  const token = useSignal('');
  const refused = useSignal(false);
  const { config } = props;
  if (config.auth === 'cognito') {
    return html`<main id="main" class="signin">
      <h1>${t('signin.title')}</h1>
      <button type="button" onClick=${() => signInWithCognito(config)}>${t('signin.cognito')}</button>
    </main>`;
  }
  return html`<main id="main" class="signin">
    <h1>${t('signin.title')}</h1>
    <p>${t('signin.intro')}</p>
    <form
      class="stack"
      onSubmit=${async (event: Event) => {
        event.preventDefault();
        refused.value = !(await signInWithToken(config, token.value.trim()));
      }}
    >
      <label for="signin-token">${t('signin.token')}</label>
      <input
        id="signin-token"
        type="password"
        autocomplete="off"
        value=${token.value}
        aria-invalid=${refused.value ? 'true' : undefined}
        aria-describedby="signin-token-error"
        onInput=${(event: Event) => (token.value = (event.target as HTMLInputElement).value)}
      />
      <span id="signin-token-error" class="field-error" role=${refused.value ? 'alert' : undefined}>${refused.value ? t('signin.refused') : ''}</span>
      <button type="submit">${t('signin.submit')}</button>
    </form>
  </main>`;
}

export function App(props: { config: ConsoleConfig }) {
  const title = t('app.title');
  document.title = title;
  const header = html`<header class="top">
    <a class="skip" href="#main" onClick=${(event: Event) => (event.preventDefault(), document.getElementById('main')?.focus())}>${t('app.skip')}</a>
    <span class="brand">${title}</span>
    ${
      connection.value
        ? html`<nav aria-label=${t('nav.label')}>
            <ul>
              ${NAV.map((item) => {
                const active = route.value.page === item.page || (item.page === 'journeys' && route.value.page === 'journey');
                return html`<li><a href=${hrefOf(item.path)} aria-current=${active ? 'page' : undefined}>${t(item.label)}</a></li>`;
              })}
            </ul>
          </nav>`
        : null
    }
    <div class="tools">
      <${LanguageSwitch} />
      ${connection.value ? html`<button type="button" class="secondary small" onClick=${signOut}>${t('signout')}</button>` : null}
    </div>
  </header>`;
  if (!connection.value) return html`${header}<${SignIn} config=${props.config} />`;
  return html`${header}
    <main id="main" tabindex="-1"><${Page} route=${route.value} /></main>`;
}
