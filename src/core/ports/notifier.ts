/** Sent after a new release has been extracted and promoted to `current/`. */
export interface ReleaseExtractedEvent {
  event: 'release-extracted';
  /** `owner/name`. */
  repo: string;
  tag: string;
  /** The tag that was current before, now under `archived/`; `null` on the first sync. */
  previousTag: string | null;
  files: number;
  bytes: number;
  /** URL of the version's folder, e.g. `s3://bucket/current/owner/repo/v1.2.3/`. */
  location: string;
  /** One human sentence, e.g. "Repository owner/repo with the tag v1.2.3 has been extracted to …". */
  message: string;
}

/** Every event Quarry publishes to subscribers. */
export type QuarryEvent = ReleaseExtractedEvent;

/**
 * Tells subscribers that something happened.
 *
 * Contract (checked by `notifier.contract.ts`): `notify` resolves once the event was delivered (or
 * logged), and rejects with a `QuarryError` (`UpstreamError` or `RetryableError`) when delivery failed
 * after the adapter's own retries. It never includes credentials in errors. `name` identifies the
 * adapter in logs, e.g. `webhook https://hooks.example.com/…` with any secret query removed.
 */
export interface Notifier {
  readonly name: string;
  notify(event: QuarryEvent): Promise<void>;
}
