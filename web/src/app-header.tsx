import type { User } from './api-types.ts';
import { type Route, routeHref } from './use-hash-route.ts';

/** The visible name of each page, used for navigation and the document title. */
export const PAGE_TITLES: Readonly<Record<Route, string>> = {
  chat: 'Chat',
  code: 'Code',
  search: 'Search',
  repositories: 'Repositories',
  account: 'Account',
};

/** Props of {@link AppHeader}. */
export interface AppHeaderProps {
  user: User;
  page: Route;
  isAdmin: boolean;
  onSignOut: () => Promise<void>;
}

/** The top bar: product name, page navigation (Repositories for admins only), user and sign-out. */
export function AppHeader({ user, page, isAdmin, onSignOut }: AppHeaderProps) {
  const routes: Route[] = isAdmin
    ? ['chat', 'code', 'search', 'repositories', 'account']
    : ['chat', 'code', 'search', 'account'];
  return (
    <header className="app-header">
      <span className="app-name">Quarry</span>
      <nav className="app-nav" aria-label="Main">
        {routes.map((route) => (
          <a key={route} href={routeHref(route)} aria-current={route === page ? 'page' : undefined}>
            {PAGE_TITLES[route]}
          </a>
        ))}
      </nav>
      <span className="app-user">
        {user.id}
        {isAdmin && <span className="badge">admin</span>}
      </span>
      <button type="button" className="button-quiet" onClick={() => void onSignOut()}>
        Sign out
      </button>
    </header>
  );
}
