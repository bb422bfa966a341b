import { useId, useRef, useState } from 'react';
import type { CreatedApiKey } from './api-types.ts';

/** Props of {@link ApiKeyReveal}. */
export interface ApiKeyRevealProps {
  created: CreatedApiKey;
}

/** A just-created API key in a read-only field with Copy: the server never shows it again. */
export function ApiKeyReveal({ created }: ApiKeyRevealProps) {
  const [copyStatus, setCopyStatus] = useState<string | undefined>(undefined);
  const inputRef = useRef<HTMLInputElement>(null);
  const keyId = useId();
  const hintId = useId();

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('The clipboard is not available.');
      await navigator.clipboard.writeText(created.key);
      setCopyStatus('Copied.');
    } catch {
      inputRef.current?.select();
      setCopyStatus('Copying is not allowed here: the key is selected, press Ctrl+C (⌘C) to copy it.');
    }
  }

  return (
    <div className="new-key">
      <label htmlFor={keyId}>New key</label>
      <div className="new-key-value">
        <input
          id={keyId}
          ref={inputRef}
          readOnly
          spellCheck={false}
          autoComplete="off"
          aria-describedby={hintId}
          value={created.key}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p id={hintId} className="note">
        Copy it now: it is not shown again. Send it as Authorization: Bearer &lt;key&gt;.
      </p>
      <span className="muted" role="status">
        {copyStatus}
      </span>
    </div>
  );
}
