import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.ts';
import type { AccountCatalog, ApiKeyRecord, SessionRecord, UserRecord } from './account-catalog.ts';
import { type CatalogUnderTest, describeCatalogSuite } from './catalog-suite.contract.ts';
import type { ConversationCatalog } from './conversation-catalog.ts';

/** An account adapter also holds conversations: removing a user removes the ones they own. */
type AccountsWithConversations = AccountCatalog & ConversationCatalog;

/** Registers the suite that checks every rule of the `AccountCatalog` port's contract. */
export function describeAccountCatalogContract(
  name: string,
  createCatalog: () => Promise<CatalogUnderTest<AccountsWithConversations>>,
): void {
  describeCatalogSuite(`AccountCatalog contract: ${name}`, createCatalog, (catalog) => {
    describeUserRules(catalog);
    describeApiKeyRules(catalog);
    describeSessionRules(catalog);
    describeConversationOwnerRules(catalog);
  });
}

function at(minute: number): string {
  return new Date(Date.UTC(2025, 4, 1, 8, minute)).toISOString();
}

function userOf(id: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return { id, role: 'member', passwordHash: `scrypt$hash-of-${id}`, createdAt: at(0), ...overrides };
}

function keyOf(id: string, userId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id,
    userId,
    name: `key ${id}`,
    secretHash: `sha256-of-${id}`,
    createdAt: at(1),
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

function sessionOf(id: string, userId: string, expiresAt: string): SessionRecord {
  return { id, userId, createdAt: at(0), expiresAt };
}

/** Registers the rules about users. */
function describeUserRules(catalog: () => AccountsWithConversations): void {
  describe('users', () => {
    it('adds a user and finds it whatever the case of the id, keeping its spelling', async () => {
      const user = userOf('Alice.Smith', { role: 'admin' });
      expect(await catalog().addUser(user)).toEqual(user);
      expect(await catalog().getUser('alice.smith')).toEqual(user);
      expect(await catalog().getUser('ALICE.SMITH')).toEqual(user);
      expect(await catalog().getUser('bob')).toBeUndefined();
    });

    it('refuses an id already present, in any case, and keeps the first record', async () => {
      await catalog().addUser(userOf('alice', { role: 'admin' }));
      await expect(catalog().addUser(userOf('ALICE'))).rejects.toBeInstanceOf(ConflictError);
      expect(await catalog().listUsers()).toEqual([userOf('alice', { role: 'admin' })]);
    });

    it('refuses ids that are empty, too long or hold other characters, and stores nothing', async () => {
      const refused = ['', 'a'.repeat(65), 'bob smith', 'owner/bob', 'bøb', 'bob\n', '../etc', 'bob@example'];
      for (const id of refused) {
        await expect(catalog().addUser(userOf(id)), JSON.stringify(id)).rejects.toBeInstanceOf(
          ValidationError,
        );
      }
      expect(await catalog().listUsers()).toEqual([]);
      const longest = 'a'.repeat(64);
      for (const id of [longest, 'x', 'build-bot_2.0']) await catalog().addUser(userOf(id));
      expect(await catalog().listUsers()).toHaveLength(3);
    });

    it('refuses an unknown role or an empty password hash', async () => {
      const badRole = userOf('alice', { role: 'owner' as UserRecord['role'] });
      await expect(catalog().addUser(badRole)).rejects.toBeInstanceOf(ValidationError);
      await expect(catalog().addUser(userOf('alice', { passwordHash: '' }))).rejects.toBeInstanceOf(
        ValidationError,
      );
      expect(await catalog().listUsers()).toEqual([]);
    });

    it('lists users sorted by id, ignoring case, and nothing when empty', async () => {
      expect(await catalog().listUsers()).toEqual([]);
      for (const id of ['carol', 'Bob', 'dave', 'alice']) await catalog().addUser(userOf(id));
      expect((await catalog().listUsers()).map((user) => user.id)).toEqual(['alice', 'Bob', 'carol', 'dave']);
    });

    it('updates only the given fields and returns the whole record', async () => {
      const added = await catalog().addUser(userOf('Alice'));
      const promoted = await catalog().updateUser('alice', { role: 'admin' });
      expect(promoted).toEqual({ ...added, role: 'admin' });
      const rehashed = await catalog().updateUser('ALICE', { passwordHash: 'scrypt$new' });
      expect(rehashed).toEqual({ ...added, role: 'admin', passwordHash: 'scrypt$new' });
      expect(await catalog().updateUser('alice', {})).toEqual(rehashed);
      expect(await catalog().getUser('alice')).toEqual(rehashed);
    });

    it('refuses to update or remove a user it does not hold, or to set an unknown role', async () => {
      await catalog().addUser(userOf('alice'));
      await expect(catalog().updateUser('bob', { role: 'admin' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(catalog().removeUser('bob')).rejects.toBeInstanceOf(NotFoundError);
      const badRole = { role: 'root' as UserRecord['role'] };
      await expect(catalog().updateUser('alice', badRole)).rejects.toBeInstanceOf(ValidationError);
      expect(await catalog().listUsers()).toEqual([userOf('alice')]);
    });

    it('removes a user with their keys and sessions, and nobody else', async () => {
      for (const id of ['Alice', 'bob']) await catalog().addUser(userOf(id));
      await catalog().addApiKey(keyOf('key-a', 'alice'));
      await catalog().addApiKey(keyOf('key-b', 'bob'));
      await catalog().createSession(sessionOf('session-a', 'ALICE', at(60)));
      await catalog().createSession(sessionOf('session-b', 'bob', at(60)));

      await catalog().removeUser('aLiCe');
      expect(await catalog().getUser('alice')).toBeUndefined();
      expect(await catalog().getApiKey('key-a')).toBeUndefined();
      expect(await catalog().getSession('session-a', at(5))).toBeUndefined();
      expect((await catalog().listApiKeys()).map((key) => key.id)).toEqual(['key-b']);
      expect(await catalog().getSession('session-b', at(5))).toBeDefined();

      // A new account under the old name must not inherit the old one's credentials.
      await catalog().addUser(userOf('alice'));
      expect(await catalog().listApiKeys({ userId: 'alice' })).toEqual([]);
    });

    it("removes the conversations a removed user owned, and keeps everyone else's", async () => {
      for (const id of ['alice', 'bob']) await catalog().addUser(userOf(id));
      await catalog().createConversation({ id: 'c-alice', title: 'a', createdAt: at(0), owner: 'alice' });
      await catalog().createConversation({ id: 'c-bob', title: 'b', createdAt: at(0), owner: 'bob' });
      await catalog().appendMessages('c-alice', [
        { role: 'user', content: 'q', metadata: {}, createdAt: at(1) },
      ]);
      await catalog().removeUser('Alice');
      await catalog().addUser(userOf('alice'));
      expect(await catalog().listConversations({ owner: 'alice' })).toEqual([]);
      expect(await catalog().getConversation('c-alice')).toBeUndefined();
      expect(await catalog().getConversation('c-bob')).toBeDefined();
    });

    it('never removes the last admin, even when two admins remove each other at once', async () => {
      await catalog().addUser(userOf('first', { role: 'admin' }));
      await catalog().addUser(userOf('second', { role: 'admin' }));
      const outcomes = await Promise.allSettled([
        catalog().removeUser('first'),
        catalog().removeUser('second'),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect((await catalog().listUsers()).filter((user) => user.role === 'admin')).toHaveLength(1);
      await expect(catalog().removeUser((await catalog().listUsers())[0]?.id ?? '')).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('never makes the last admin a member, even when two admins demote each other at once', async () => {
      await catalog().addUser(userOf('first', { role: 'admin' }));
      await catalog().addUser(userOf('second', { role: 'admin' }));
      const outcomes = await Promise.allSettled([
        catalog().updateUser('first', { role: 'member' }),
        catalog().updateUser('second', { role: 'member' }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const admins = (await catalog().listUsers()).filter((user) => user.role === 'admin');
      expect(admins).toHaveLength(1);
      await expect(catalog().updateUser(admins[0]?.id ?? '', { role: 'member' })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('ends every session of a user whose password changes, and no other', async () => {
      for (const id of ['alice', 'bob']) await catalog().addUser(userOf(id));
      await catalog().createSession(sessionOf('session-a', 'alice', at(60)));
      await catalog().createSession(sessionOf('session-b', 'bob', at(60)));
      await catalog().updateUser('alice', { role: 'admin' });
      expect(await catalog().getSession('session-a', at(5))).toBeDefined();
      await catalog().updateUser('alice', { passwordHash: 'scrypt$other' });
      expect(await catalog().getSession('session-a', at(5))).toBeUndefined();
      expect(await catalog().getSession('session-b', at(5))).toBeDefined();
    });
  });
}

/** Registers the rules about API keys. */
function describeApiKeyRules(catalog: () => AccountsWithConversations): void {
  describe('API keys', () => {
    it('adds a key of a known user, spelled as the user is, and finds it by its exact id', async () => {
      await catalog().addUser(userOf('Alice'));
      const added = await catalog().addApiKey(keyOf('Key1', 'ALICE'));
      expect(added).toEqual(keyOf('Key1', 'Alice'));
      expect(await catalog().getApiKey('Key1')).toEqual(added);
      expect(await catalog().getApiKey('key1')).toBeUndefined();
    });

    it('refuses a key of an unknown user or with an id already present', async () => {
      await catalog().addUser(userOf('alice'));
      await expect(catalog().addApiKey(keyOf('key-1', 'nobody'))).rejects.toBeInstanceOf(NotFoundError);
      await catalog().addApiKey(keyOf('key-1', 'alice', { name: 'first' }));
      await expect(catalog().addApiKey(keyOf('key-1', 'alice', { name: 'second' }))).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await catalog().listApiKeys()).toEqual([keyOf('key-1', 'alice', { name: 'first' })]);
    });

    it('lists keys newest first, the later added first on a tie, filtered by user ignoring case', async () => {
      for (const id of ['alice', 'Bob']) await catalog().addUser(userOf(id));
      await catalog().addApiKey(keyOf('a-old', 'alice', { createdAt: at(1) }));
      await catalog().addApiKey(keyOf('b-new', 'bob', { createdAt: at(9) }));
      await catalog().addApiKey(keyOf('a-mid', 'alice', { createdAt: at(5) }));
      await catalog().addApiKey(keyOf('a-tie', 'alice', { createdAt: at(5) }));
      const ids = async (options?: { userId?: string }) =>
        (await catalog().listApiKeys(options)).map((key) => key.id);
      expect(await ids()).toEqual(['b-new', 'a-tie', 'a-mid', 'a-old']);
      expect(await ids({ userId: 'ALICE' })).toEqual(['a-tie', 'a-mid', 'a-old']);
      expect(await ids({ userId: 'bob' })).toEqual(['b-new']);
      expect(await ids({ userId: 'nobody' })).toEqual([]);
    });

    it('revokes an active key once, keeping the first revocation time', async () => {
      await catalog().addUser(userOf('alice'));
      await catalog().addApiKey(keyOf('key-1', 'alice'));
      expect(await catalog().revokeApiKey('key-1', at(10))).toBe(true);
      expect(await catalog().getApiKey('key-1')).toMatchObject({ revokedAt: at(10) });
      expect(await catalog().revokeApiKey('key-1', at(20))).toBe(false);
      expect(await catalog().getApiKey('key-1')).toMatchObject({ revokedAt: at(10) });
      expect(await catalog().revokeApiKey('no-such-key', at(20))).toBe(false);
    });

    it('records uses, never moving the last use back in time, and ignores unknown keys', async () => {
      await catalog().addUser(userOf('alice'));
      await catalog().addApiKey(keyOf('key-1', 'alice'));
      await catalog().touchApiKey('key-1', at(30));
      expect(await catalog().getApiKey('key-1')).toMatchObject({ lastUsedAt: at(30) });
      await catalog().touchApiKey('key-1', at(20));
      expect(await catalog().getApiKey('key-1')).toMatchObject({ lastUsedAt: at(30) });
      await catalog().touchApiKey('key-1', at(40));
      expect(await catalog().getApiKey('key-1')).toMatchObject({ lastUsedAt: at(40), revokedAt: null });
      await expect(catalog().touchApiKey('no-such-key', at(40))).resolves.toBeUndefined();
      expect(await catalog().getApiKey('no-such-key')).toBeUndefined();
    });
  });
}

/** Registers the rules about sessions. */
function describeSessionRules(catalog: () => AccountsWithConversations): void {
  describe('sessions', () => {
    it('finds a session until it expires, spelled as its user is', async () => {
      await catalog().addUser(userOf('Alice'));
      await catalog().createSession(sessionOf('session-1', 'alice', at(30)));
      expect(await catalog().getSession('session-1', at(29))).toEqual(
        sessionOf('session-1', 'Alice', at(30)),
      );
      expect(await catalog().getSession('session-1', at(30))).toBeUndefined();
      expect(await catalog().getSession('session-1', at(31))).toBeUndefined();
      expect(await catalog().getSession('SESSION-1', at(0))).toBeUndefined();
      expect(await catalog().getSession('no-such-session', at(0))).toBeUndefined();
    });

    it('compares times as instants, whatever ISO 8601 form they come in', async () => {
      await catalog().addUser(userOf('alice'));
      await catalog().createSession(sessionOf('session-1', 'alice', '2025-05-01T08:30:00Z'));
      expect(await catalog().getSession('session-1', '2025-05-01T08:29:59.999Z')).toBeDefined();
      expect(await catalog().getSession('session-1', '2025-05-01T08:30:00.000Z')).toBeUndefined();
      await expect(catalog().getSession('session-1', 'soon')).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses a session of an unknown user, with an id already present, or an expiry that is not a time', async () => {
      await catalog().addUser(userOf('alice'));
      await expect(catalog().createSession(sessionOf('s', 'nobody', at(30)))).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await catalog().createSession(sessionOf('s', 'alice', at(30)));
      await expect(catalog().createSession(sessionOf('s', 'alice', at(50)))).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(catalog().createSession(sessionOf('t', 'alice', 'tomorrow'))).rejects.toBeInstanceOf(
        ValidationError,
      );
      expect(await catalog().getSession('s', at(40))).toBeUndefined();
      expect(await catalog().getSession('t', at(0))).toBeUndefined();
    });

    it('deletes one session, and accepts deleting one that does not exist', async () => {
      await catalog().addUser(userOf('alice'));
      await catalog().createSession(sessionOf('session-1', 'alice', at(30)));
      await catalog().createSession(sessionOf('session-2', 'alice', at(30)));
      await catalog().deleteSession('session-1');
      expect(await catalog().getSession('session-1', at(0))).toBeUndefined();
      expect(await catalog().getSession('session-2', at(0))).toBeDefined();
      await expect(catalog().deleteSession('session-1')).resolves.toBeUndefined();
    });

    it('removes the sessions expired at a time and says how many', async () => {
      await catalog().addUser(userOf('alice'));
      for (const [id, expiry] of [
        ['gone-1', 10],
        ['gone-2', 20],
        ['live', 21],
      ] as const) {
        await catalog().createSession(sessionOf(id, 'alice', at(expiry)));
      }
      expect(await catalog().deleteExpiredSessions(at(20))).toBe(2);
      expect(await catalog().deleteExpiredSessions(at(20))).toBe(0);
      expect(await catalog().getSession('live', at(20))).toBeDefined();
    });
  });
}

/** Registers the rules about the owners of conversations. */
function describeConversationOwnerRules(catalog: () => AccountsWithConversations): void {
  describe('conversation owners', () => {
    it('stores the owner given, and null when none is', async () => {
      const owned = await catalog().createConversation({
        id: 'c1',
        title: 'A',
        createdAt: at(0),
        owner: 'Alice',
      });
      const ownerless = await catalog().createConversation({ id: 'c2', title: 'B', createdAt: at(0) });
      const explicit = await catalog().createConversation({
        id: 'c3',
        title: 'C',
        createdAt: at(0),
        owner: null,
      });
      expect([owned.owner, ownerless.owner, explicit.owner]).toEqual(['Alice', null, null]);
      expect(await catalog().getConversation('c1')).toEqual(owned);
      expect(await catalog().getConversation('c2')).toEqual(ownerless);
    });

    it('lists only the conversations of the owner asked for, exactly, or those of nobody for null', async () => {
      const conversations = [
        { id: 'a1', owner: 'alice', createdAt: at(1) },
        { id: 'b1', owner: 'bob', createdAt: at(2) },
        { id: 'n1', owner: null, createdAt: at(3) },
        { id: 'a2', owner: 'alice', createdAt: at(4) },
        { id: 'A3', owner: 'Alice', createdAt: at(5) },
      ];
      for (const conversation of conversations) {
        await catalog().createConversation({ ...conversation, title: conversation.id });
      }
      const ids = async (options?: { limit?: number; owner?: string | null }) =>
        (await catalog().listConversations(options)).map((conversation) => conversation.id);
      expect(await ids({ owner: 'alice' })).toEqual(['a2', 'a1']);
      expect(await ids({ owner: 'alice', limit: 1 })).toEqual(['a2']);
      expect(await ids({ owner: 'Alice' })).toEqual(['A3']);
      expect(await ids({ owner: null })).toEqual(['n1']);
      expect(await ids({ owner: 'carol' })).toEqual([]);
      expect(await ids()).toEqual(['A3', 'a2', 'n1', 'b1', 'a1']);
      expect(await ids({ limit: 2 })).toEqual(['A3', 'a2']);
    });

    it('refuses an empty owner, and an owner key present without a value', async () => {
      await expect(
        catalog().createConversation({ id: 'c1', title: 'A', createdAt: at(0), owner: '' }),
      ).rejects.toBeInstanceOf(ValidationError);
      await catalog().createConversation({ id: 'c2', title: 'B', createdAt: at(0), owner: 'alice' });
      const lostTrack = { owner: undefined } as unknown as { owner: string };
      await expect(catalog().listConversations(lostTrack)).rejects.toBeInstanceOf(ValidationError);
      await expect(catalog().listConversations({ owner: '' })).rejects.toBeInstanceOf(ValidationError);
      expect((await catalog().listConversations()).map((conversation) => conversation.id)).toEqual(['c2']);
    });
  });
}
