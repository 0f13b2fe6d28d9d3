import { signal } from '@preact/signals';

/** One problem of a rejected request, as the API's one error shape names it. */
export interface ApiProblem {
  index: number | null;
  path: string;
  message: string;
}

/** An answer other than 2xx, in the API's words: its code, message and the fields it names. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: ApiProblem[],
  ) {
    super(message);
  }

  /** The problems about `path` or a field inside it (`audience.churnRisk` covers `audience.churnRisk.max`). */
  problemsAt(path: string): ApiProblem[] {
    return this.problems.filter((problem) => problem.path === path || problem.path.startsWith(`${path}.`));
  }
}

interface Connection {
  apiUrl: string;
  token: string;
}

/** Where the API is and the bearer token that signs the marketer in; null until signed in. */
export const connection = signal<Connection | null>(null);

/** Called when the API refuses the token (401/403 from the authorizer): the console signs out. */
export const onUnauthorized = { handle: () => undefined as void };

/** Calls the public API, the same routes the CLI uses; answers the parsed JSON or throws ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const current = connection.value;
  if (!current) throw new ApiError(401, 'unauthorized', 'not signed in', []);
  const response = await fetch(`${current.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${current.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) {
    const answer = (parsed ?? {}) as { error?: string; message?: string; problems?: ApiProblem[] };
    if ((response.status === 401 || response.status === 403) && answer.error === undefined) onUnauthorized.handle();
    throw new ApiError(response.status, answer.error ?? 'unauthorized', answer.message ?? response.statusText, answer.problems ?? []);
  }
  return parsed as T;
}
