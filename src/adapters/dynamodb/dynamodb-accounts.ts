import { checkUser } from '../../core/catalog-input/check-user.ts';
import { lastAdmin } from '../../core/catalog-input/last-admin.ts';
import { RetryableError } from '../../core/errors/index.ts';
import type { UserRecord } from '../../core/ports/catalog.ts';
import type { CatalogContext } from './catalog-context.ts';
import { AdminRoster } from './dynamodb-admin-roster.ts';
import type { DynamoDbApiKeys } from './dynamodb-api-keys.ts';
import type { DynamoDbConversations } from './dynamodb-conversations.ts';
import type { DynamoDbSessions } from './dynamodb-sessions.ts';
import type { DynamoDbUsers, StoredUser } from './dynamodb-users.ts';

/** Rounds of "the user changed under the write" before a change gives up. */
const changeRounds = 10;

/** The records of accounts, and the conversations a removed user takes along. */
export interface AccountParts {
  users: DynamoDbUsers;
  apiKeys: DynamoDbApiKeys;
  sessions: DynamoDbSessions;
  conversations: DynamoDbConversations;
}

/**
 * The life of accounts: adding, changing and removing users, with the rules that span several items (the
 * last admin stays, see `AdminRoster`; a removed user's keys, sessions and conversations go; a new
 * password ends the sessions). Each step is one conditional write on one item, ordered so that every state
 * in between is safe: a removed user's keys and sessions stop working when the user item goes, since they
 * are only honoured for the user incarnation they were made for.
 */
export class DynamoDbAccounts {
  private readonly users: DynamoDbUsers;
  private readonly parts: AccountParts;
  private readonly roster: AdminRoster;
  private readonly context: CatalogContext;

  constructor(context: CatalogContext, clock: () => Date, parts: AccountParts) {
    this.context = context;
    this.parts = parts;
    this.users = parts.users;
    this.roster = new AdminRoster(context, clock);
  }

  /** See `AccountCatalog.addUser`: the user item first, then (for an admin) the term in the roster. */
  async addUser(user: UserRecord): Promise<UserRecord> {
    const record = checkUser(user);
    const term = record.role === 'admin' ? this.context.newId() : null;
    const stored = await this.users.insert(record, term);
    if (term !== null) await this.roster.register(term, stored.idLowerCase);
    return record;
  }

  /** See `AccountCatalog.getUser`. */
  async getUser(id: string): Promise<UserRecord | undefined> {
    return (await this.users.read(id))?.record;
  }

  /** See `AccountCatalog.listUsers`. */
  async listUsers(): Promise<UserRecord[]> {
    return (await this.users.list()).map((user) => user.record);
  }

  /**
   * See `AccountCatalog.updateUser`. A demotion retires the admin term first (refused for the last admin),
   * a promotion registers a new one after the user item says admin. A new password bumps the password
   * revision, which every older session no longer matches.
   */
  async updateUser(
    id: string,
    changes: Partial<Pick<UserRecord, 'role' | 'passwordHash'>>,
  ): Promise<UserRecord> {
    for (let round = 0; round < changeRounds; round++) {
      const current = await this.users.readExisting(id);
      const record = checkUser({
        ...current.record,
        ...(changes?.role === undefined ? {} : { role: changes.role }),
        ...(changes?.passwordHash === undefined ? {} : { passwordHash: changes.passwordHash }),
      });
      const demoting = current.record.role === 'admin' && record.role === 'member';
      const promoting = current.record.role === 'member' && record.role === 'admin';
      const newPassword = record.passwordHash !== current.record.passwordHash;
      if (!demoting && !promoting && !newPassword) return current.record;
      if (demoting) await this.retireOrRefuse(current, 'demote');
      const adminTerm = promoting ? this.context.newId() : demoting ? null : current.adminTerm;
      const passwordRevision = current.passwordRevision + (newPassword ? 1 : 0);
      const next = await this.users.replace(current, { record, adminTerm, passwordRevision });
      if (next === undefined) continue;
      if (promoting && adminTerm !== null) await this.roster.register(adminTerm, next.idLowerCase);
      if (newPassword) await this.parts.sessions.deleteOfUser(next, 'password-changed');
      return next.record;
    }
    throw tooBusy(id);
  }

  /**
   * See `AccountCatalog.removeUser`. The admin term is retired first (so a refusal changes nothing), then
   * the owned conversations go, then the user item (the moment keys and sessions stop working), then the
   * keys and sessions themselves, and conversations created meanwhile.
   */
  async removeUser(id: string): Promise<void> {
    const { apiKeys, sessions, conversations } = this.parts;
    for (let round = 0; round < changeRounds; round++) {
      const current = await this.users.readExisting(id);
      if (current.record.role === 'admin') await this.retireOrRefuse(current, 'remove');
      await conversations.deleteOwnedBy(current.record.id);
      if (!(await this.users.deleteIfUnchanged(current))) continue;
      await Promise.all([apiKeys.deleteOfUser(current), sessions.deleteOfUser(current, 'removed')]);
      await conversations.deleteOwnedBy(current.record.id);
      return;
    }
    throw tooBusy(id);
  }

  /**
   * Retires the admin term of `user`, or refuses with the last-admin error. Before refusing, admins whose
   * registration a crash cut short are counted again, and the retirement is tried once more.
   */
  private async retireOrRefuse(user: StoredUser, change: 'remove' | 'demote'): Promise<void> {
    const term = user.adminTerm;
    // An admin without a term was never counted, so it can go without lowering the count.
    if (term === null || (await this.roster.retire(term))) return;
    const otherAdmins = (await this.users.list()).flatMap((other) =>
      other.record.role === 'admin' && other.adminTerm !== null && other.adminTerm !== term
        ? [{ term: other.adminTerm, userIdLowerCase: other.idLowerCase }]
        : [],
    );
    if ((await this.roster.registerUncounted(otherAdmins)) && (await this.roster.retire(term))) return;
    throw lastAdmin(user.record.id, change);
  }
}

function tooBusy(id: string): RetryableError {
  return new RetryableError(`User ${id} kept changing while Quarry tried to change it.`, {
    hint: 'Another process is changing the same user; try again in a moment.',
  });
}
