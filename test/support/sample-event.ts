import type { ReleaseExtractedEvent } from '../../src/core/ports/notifier.ts';

/** A typical `release-extracted` event for notifier tests, with its folder at `location`. */
export function sampleReleaseEvent(
  location = 'file:///tmp/current/owner/repo/v1.2.3/',
): ReleaseExtractedEvent {
  return {
    event: 'release-extracted',
    repo: 'owner/repo',
    tag: 'v1.2.3',
    previousTag: 'v1.2.2',
    files: 10,
    bytes: 1234,
    location,
    message: `Repository owner/repo with the tag v1.2.3 has been extracted to ${location}`,
  };
}
