import { NotFoundError } from '../core/errors/index.ts';
import type { Catalog, ConversationRecord } from '../core/ports/catalog.ts';

/**
 * Whose conversations a caller reaches. The server gives the signed-in account as `owner`: every account,
 * admins included, reaches only the conversations it started, since they hold its questions. The CLI
 * gives none: whoever runs it holds the catalog file itself, so it reaches every conversation.
 */
export interface ConversationAccess {
  /** The account acting, compared exactly with the owner stored (both are the catalog's spelling). */
  owner?: string | undefined;
}

/** How {@link findConversation} looks a conversation up, and what it tells the user when it finds none. */
export interface FindConversationOptions extends ConversationAccess {
  /**
   * What to do about an unknown id, in the words of the caller's edge (a command and its flags, or an API
   * path and its fields); a neutral sentence when left out.
   */
  notFoundHint?: string | undefined;
}

/**
 * Conversation `id` when the caller may use it. An unknown id and someone else's conversation are the same
 * `NotFoundError`, word for word, so ids of other accounts' conversations are never revealed.
 */
export async function findConversation(
  catalog: Catalog,
  id: string,
  options: FindConversationOptions = {},
): Promise<ConversationRecord> {
  const conversation = await catalog.getConversation(id);
  if (conversation !== undefined && (options.owner === undefined || conversation.owner === options.owner)) {
    return conversation;
  }
  throw new NotFoundError(`There is no conversation ${id}.`, {
    hint: options.notFoundHint ?? 'List the conversations to check the id.',
  });
}

/** The conversations the caller reaches (see {@link ConversationAccess}), most recently updated first. */
export async function listConversations(
  catalog: Catalog,
  options: ConversationAccess & { limit?: number | undefined },
): Promise<ConversationRecord[]> {
  return catalog.listConversations({
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.owner === undefined ? {} : { owner: options.owner }),
  });
}

/**
 * Deletes conversation `id` with its messages when the caller may use it; otherwise the `NotFoundError` of
 * {@link findConversation}. Returns the deleted conversation.
 */
export async function deleteConversation(
  catalog: Catalog,
  id: string,
  options: FindConversationOptions = {},
): Promise<ConversationRecord> {
  const conversation = await findConversation(catalog, id, options);
  await catalog.deleteConversation(conversation.id);
  return conversation;
}
