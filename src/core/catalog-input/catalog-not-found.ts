import { NotFoundError } from '../errors/index.ts';
import { isPossibleUserId } from './check-user.ts';
import { quoted } from './quoted.ts';

// The refusals for records a catalog does not hold, one per record kind, each with the hint on how to go on.

/** The error for a repository that is not in the catalog. */
export function repoNotFound(id: string): NotFoundError {
  return new NotFoundError(`Repository ${id} is not in the catalog.`, {
    hint: 'List the watched repositories to check the name, or add it first.',
  });
}

/** The error for finishing a sync run that was never started. */
export function syncRunNotFound(id: string): NotFoundError {
  return new NotFoundError(`Sync run ${id} does not exist.`, {
    hint: 'Start the run with startSyncRun before finishing it.',
  });
}

/** The error for a conversation that does not exist. */
export function conversationNotFound(id: string): NotFoundError {
  return new NotFoundError(`Conversation ${id} does not exist.`, {
    hint: 'List the conversations to check the id, or start a new one.',
  });
}

/** The error for a crawl site that does not exist. */
export function crawlSiteNotFound(name: string): NotFoundError {
  return new NotFoundError(`Crawl site ${name} does not exist.`, {
    hint: 'List the crawled sites to check the name, or start a crawl of it first.',
  });
}

/** The error for a user that does not exist; an id no user could have is quoted, so it reads as a value. */
export function userNotFound(id: unknown): NotFoundError {
  const shown = isPossibleUserId(id) ? id : quoted(id);
  return new NotFoundError(`User ${shown} does not exist.`, {
    hint: 'List the users to check the name, or add the user first.',
  });
}
