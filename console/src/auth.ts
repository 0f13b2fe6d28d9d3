import { connection, onUnauthorized } from './api';

/** `config.json`, written beside the bundle by the build (locally) or the CDK deployment (AWS). */
export type ConsoleConfig =
  { auth: 'local-token'; apiUrl: '' } | { auth: 'cognito'; apiUrl: string; cognitoDomain: string; clientId: string; redirectUri: string };

const TOKEN_KEY = 'rekindle.console.token';
const VERIFIER_KEY = 'rekindle.console.pkce';

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/**
 * Restores or completes a sign-in. Locally the printed console URL carries the marketer token in
 * its fragment (never sent to a server); it is kept for this tab only and removed from the address.
 * With Cognito, the hosted UI's authorization code is exchanged with the PKCE verifier kept before
 * the redirect. Answers whether the marketer is signed in.
 */
export async function restoreSession(config: ConsoleConfig): Promise<boolean> {
  onUnauthorized.handle = () => signOut();
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromFragment = fragment.get('token');
  if (fromFragment) {
    sessionStorage.setItem(TOKEN_KEY, fromFragment);
    history.replaceState(null, '', location.pathname + location.search);
  }
  if (config.auth === 'cognito') {
    const query = new URLSearchParams(location.search);
    const code = query.get('code');
    const verifier = sessionStorage.getItem(VERIFIER_KEY);
    if (code && verifier && query.get('state') === verifier.slice(0, 16)) {
      const response = await fetch(`${config.cognitoDomain}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: config.clientId,
          code,
          redirect_uri: config.redirectUri,
          code_verifier: verifier,
        }),
      });
      sessionStorage.removeItem(VERIFIER_KEY);
      history.replaceState(null, '', location.pathname);
      if (response.ok) sessionStorage.setItem(TOKEN_KEY, ((await response.json()) as { access_token: string }).access_token);
    }
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  connection.value = token ? { apiUrl: config.apiUrl, token } : null;
  return token !== null;
}

/**
 * Signs in with a local marketer token typed into the form; answers false if the API refuses it.
 * The token is checked before it is kept, so the form stays up (with its message) when refused.
 */
export async function signInWithToken(config: ConsoleConfig, token: string): Promise<boolean> {
  const check = await fetch(`${config.apiUrl}/v1/killswitch`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (!check?.ok) return false;
  sessionStorage.setItem(TOKEN_KEY, token);
  connection.value = { apiUrl: config.apiUrl, token };
  return true;
}

/** Sends the browser to Cognito's hosted UI with a fresh PKCE challenge (S256). */
export async function signInWithCognito(config: Extract<ConsoleConfig, { auth: 'cognito' }>): Promise<void> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(48)));
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: verifier.slice(0, 16),
  });
  location.assign(`${config.cognitoDomain}/oauth2/authorize?${query.toString()}`);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  connection.value = null;
}
