import { useEffect, useState } from 'react';

/** The pages of the app, addressed as `#/chat`, `#/code`, `#/search`, `#/repositories`, `#/account`. */
export type Route = 'chat' | 'code' | 'search' | 'repositories' | 'account';

const ROUTES: readonly Route[] = ['chat', 'code', 'search', 'repositories', 'account'];

/** The route of a location hash; the chat page for anything unknown. */
export function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return ROUTES.find((route) => route === name) ?? 'chat';
}

/** The href of a route's navigation link. */
export function routeHref(route: Route): string {
  return `#/${route}`;
}

/** The current page, following the location hash (back and forward buttons included). */
export function useHashRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeFromHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
