import { ApiKeySection } from './api-key-section.tsx';
import type { User } from './api-types.ts';
import { PasswordForm } from './password-form.tsx';
import { UserSection } from './user-section.tsx';

/** Props of {@link AccountPage}. */
export interface AccountPageProps {
  user: User;
}

/** The signed-in user's own settings: password and API keys, plus the accounts for admins. */
export function AccountPage({ user }: AccountPageProps) {
  return (
    <section className="form-page account-page">
      <h1>Account</h1>
      <section className="account-section" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <PasswordForm />
      </section>
      <ApiKeySection />
      {user.role === 'admin' && <UserSection user={user} />}
    </section>
  );
}
