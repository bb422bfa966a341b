import { ConflictError } from '../errors/index.ts';

// The refusals to add a record whose id a catalog already holds, one per record kind. Where ids are compared
// ignoring case, callers pass the id as first stored, so the message shows the spelling that is taken.

/** The error for adding a repository already in the catalog. */
export function duplicateRepo(id: string): ConflictError {
  return new ConflictError(`Repository ${id} is already in the catalog.`, {
    hint: 'Change its settings instead of adding it again, or remove it first.',
  });
}

/** The error for starting a sync run under an id already used. */
export function duplicateSyncRun(id: string): ConflictError {
  return new ConflictError(`Sync run ${id} already exists.`, { hint: 'Give every sync run a new id.' });
}

/** The error for creating a conversation under an id already used. */
export function duplicateConversation(id: string): ConflictError {
  return new ConflictError(`Conversation ${id} already exists.`, {
    hint: 'Give every new conversation a new id, or append to the existing one.',
  });
}

/** The error for adding a user whose name is taken. */
export function duplicateUser(id: string): ConflictError {
  return new ConflictError(`User ${id} already exists.`, {
    hint: 'Choose another name, or change the existing user instead of adding it again.',
  });
}

/** The error for adding an API key under an id already used. */
export function duplicateApiKey(id: string): ConflictError {
  return new ConflictError(`API key ${id} already exists.`, { hint: 'Give every API key a new random id.' });
}

/** The error for creating a session under an id already used; the id is a secret's hash, so it is not shown. */
export function duplicateSession(): ConflictError {
  return new ConflictError('A session with the same id already exists.', {
    hint: 'Derive every session id from a new random token.',
  });
}
