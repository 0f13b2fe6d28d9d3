import { signal } from '@preact/signals';

export type Route =
  | { page: 'overview' }
  | { page: 'audiences' }
  | { page: 'journeys' }
  | { page: 'journey'; journeyId: string }
  | { page: 'programs' }
  | { page: 'users'; userId: string | null };

/** `#/journeys/recall-r3` → the journey's report; anything unknown → the overview. */
export function parseRoute(hash: string): Route {
  const [page, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const id = rest.length > 0 ? decodeURIComponent(rest.join('/')) : null;
  switch (page) {
    case 'audiences':
    case 'programs':
      return { page };
    case 'journeys':
      return id ? { page: 'journey', journeyId: id } : { page: 'journeys' };
    case 'users':
      return { page: 'users', userId: id };
    default:
      return { page: 'overview' };
  }
}

export const route = signal<Route>(parseRoute(location.hash));
addEventListener('hashchange', () => {
  route.value = parseRoute(location.hash);
});

export const hrefOf = (path: string) => `#/${path}`;
