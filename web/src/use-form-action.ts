import { type FormEvent, useState } from 'react';
import { errorMessage } from './api-client.ts';

/** What {@link useFormAction} gives a form. */
export interface FormAction {
  busy: boolean;
  error: string | undefined;
  notice: string | undefined;
  /**
   * A submit handler: clears the messages, refuses with `check()`'s problem when there is one, else runs
   * `action` with the form busy and shows the notice it returns, or the error it throws.
   */
  handler(
    action: () => Promise<string | undefined>,
    check?: () => string | undefined,
  ): (event: FormEvent<HTMLFormElement>) => void;
}

/** The busy flag and messages every form of the app shows, and the one way they change on submit. */
export function useFormAction(): FormAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const handler: FormAction['handler'] = (action, check) => (event) => {
    event.preventDefault();
    setError(undefined);
    setNotice(undefined);
    const problem = check?.();
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    action()
      .then(setNotice, (caught: unknown) => setError(errorMessage(caught)))
      .finally(() => setBusy(false));
  };
  return { busy, error, notice, handler };
}
