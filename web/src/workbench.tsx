import { useEffect } from 'react';
import { AccountPage } from './account-page.tsx';
import type { User } from './api-types.ts';
import { AppHeader, PAGE_TITLES } from './app-header.tsx';
import { ChatPage } from './chat-page.tsx';
import { CodePage } from './code-page.tsx';
import { RepositoriesPage } from './repositories-page.tsx';
import { SearchPage } from './search-page.tsx';
import { SourceViewerProvider } from './source-viewer-provider.tsx';
import { type Route, useHashRoute } from './use-hash-route.ts';

/** Props of {@link Workbench}. */
export interface WorkbenchProps {
  user: User;
  onSignOut: () => Promise<void>;
}

/**
 * The signed-in app: header, navigation and the current page. The chat page stays mounted
 * (hidden) while another page is open, so a running answer and the conversation survive.
 */
export function Workbench({ user, onSignOut }: WorkbenchProps) {
  const route = useHashRoute();
  const isAdmin = user.role === 'admin';
  const page: Route = route === 'repositories' && !isAdmin ? 'chat' : route;

  useEffect(() => {
    document.title = `${PAGE_TITLES[page]} · Quarry`;
  }, [page]);

  return (
    <SourceViewerProvider>
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <AppHeader user={user} page={page} isAdmin={isAdmin} onSignOut={onSignOut} />
      <main id="main-content" className="page" tabIndex={-1}>
        <ChatPage hidden={page !== 'chat'} />
        {page === 'code' && <CodePage />}
        {page === 'search' && <SearchPage />}
        {page === 'repositories' && <RepositoriesPage />}
        {page === 'account' && <AccountPage user={user} />}
      </main>
    </SourceViewerProvider>
  );
}
