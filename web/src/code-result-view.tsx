import { useEffect, useRef, useState } from 'react';
import type { CodeResult } from './api-types.ts';
import { formatDateTime } from './format.ts';
import { downloadFileName } from './urls.ts';

/** Generated code with Copy and Download, and where it was stored. */
export function CodeResultView({ result }: { result: CodeResult }) {
  const [copyStatus, setCopyStatus] = useState<string | undefined>(undefined);
  const [downloadUrl, setDownloadUrl] = useState<string | undefined>(undefined);
  const codeRef = useRef<HTMLElement>(null);

  useEffect(() => {
    const url = URL.createObjectURL(new Blob([result.code], { type: 'text/plain;charset=utf-8' }));
    setDownloadUrl(url);
    setCopyStatus(undefined);
    return () => URL.revokeObjectURL(url);
  }, [result.code]);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('The clipboard is not available.');
      await navigator.clipboard.writeText(result.code);
      setCopyStatus('Copied.');
    } catch {
      selectCode(codeRef.current);
      setCopyStatus('Copying is not allowed here: the code is selected, press Ctrl+C (⌘C) to copy it.');
    }
  }

  return (
    <section className="code-result" aria-labelledby="code-result-title">
      <h2 id="code-result-title">
        {result.language} · {result.model}
      </h2>
      <div className="toolbar">
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        {downloadUrl && (
          <a className="button-link" href={downloadUrl} download={downloadFileName(result.key)}>
            Download
          </a>
        )}
        <span className="muted" role="status">
          {copyStatus}
        </span>
      </div>
      <pre className="code-block">
        <code ref={codeRef}>{result.code}</code>
      </pre>
      <p className="muted">
        Stored at <code>{result.key}</code> · {formatDateTime(result.createdAt)}
      </p>
    </section>
  );
}

function selectCode(element: HTMLElement | null): void {
  const selection = window.getSelection();
  if (!element || !selection) return;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
}
