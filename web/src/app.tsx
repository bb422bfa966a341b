import { LoginPage } from './login-page.tsx';
import { useSession } from './use-session.ts';
import { Workbench } from './workbench.tsx';

/** The whole app: checks the session, then shows the login page or the signed-in workbench. */
export function App() {
  const { session, signedIn, signOut } = useSession();
  if (session.status === 'checking') {
    return (
      <p className="app-loading" role="status">
        Loading…
      </p>
    );
  }
  if (session.status === 'signed-out') {
    return <LoginPage expired={session.expired} startupError={session.error} onSignedIn={signedIn} />;
  }
  return <Workbench user={session.user} onSignOut={signOut} />;
}
