import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.ts';
import type {
  Catalog,
  ConversationRecord,
  LockHolder,
  MessageRecord,
  NewMessage,
  RepoRecord,
  RepoSettings,
  SyncRunRecord,
} from './catalog.ts';
import {
  describeApiKeyRules,
  describeConversationOwnerRules,
  describeSessionRules,
  describeUserRules,
} from './catalog-accounts.contract.ts';

/** What a contract run needs from an adapter: a fresh, empty catalog and a way to dispose of it. */
export interface CatalogUnderTest {
  catalog: Catalog;
  /** Closes the catalog and removes whatever backs it (files, tables, ...). */
  cleanup: () => Promise<void>;
}

/**
 * Registers the Vitest suite that checks every rule of the `Catalog` port's contract. Each adapter's test
 * file calls it once; `createCatalog` is called before every test and must return an empty catalog.
 */
export function describeCatalogContract(name: string, createCatalog: () => Promise<CatalogUnderTest>): void {
  describe(`Catalog contract: ${name}`, () => {
    const context: { current?: CatalogUnderTest } = {};
    const catalog = (): Catalog => {
      if (context.current === undefined) throw new Error('The catalog under test was not created.');
      return context.current.catalog;
    };

    beforeEach(async () => {
      context.current = await createCatalog();
    });
    afterEach(async () => {
      await context.current?.cleanup();
      delete context.current;
    });

    describeRepoRules(catalog);
    describeSyncRunRules(catalog);
    describeLockRules(catalog);
    describeConversationRules(catalog);
    describeMessageRules(catalog);
    describeAtomicAppendRules(catalog);
    describeConversationOwnerRules(catalog);
    describeUserRules(catalog);
    describeApiKeyRules(catalog);
    describeSessionRules(catalog);
  });
}

function settingsOf(id: string, overrides: Partial<RepoSettings> = {}): RepoSettings {
  return {
    id,
    enabled: true,
    ignoreFile: null,
    track: 'releases',
    asset: null,
    origin: 'user',
    ...overrides,
  };
}

function describeRepoRules(catalog: () => Catalog): void {
  describe('repositories', () => {
    it('adds a repository with the given settings and empty sync state', async () => {
      const settings = settingsOf('Owner/Project', {
        enabled: false,
        ignoreFile: '/etc/quarry/project.ignore',
        track: 'tags',
        asset: '*.tar.gz',
        origin: 'config',
      });
      const added = await catalog().addRepo(settings);
      const expected: RepoRecord = {
        ...settings,
        version: null,
        modified: null,
        lastCheckedAt: null,
        etag: null,
        status: null,
        error: null,
        files: 0,
        bytes: 0,
      };
      expect(added).toEqual(expected);
      expect(await catalog().getRepo('Owner/Project')).toEqual(expected);
    });

    it('finds repositories whatever the case of the id, keeping the spelling they were added with', async () => {
      await catalog().addRepo(settingsOf('AwsLabs/Some-Repo'));
      expect((await catalog().getRepo('awslabs/some-repo'))?.id).toBe('AwsLabs/Some-Repo');
      expect((await catalog().getRepo('AWSLABS/SOME-REPO'))?.id).toBe('AwsLabs/Some-Repo');
    });

    it('returns undefined for a repository it does not hold', async () => {
      await catalog().addRepo(settingsOf('owner/one'));
      expect(await catalog().getRepo('owner/two')).toBeUndefined();
    });

    it('refuses to add an id already present, in any case, and keeps the first record', async () => {
      await catalog().addRepo(settingsOf('owner/project', { track: 'releases' }));
      await expect(catalog().addRepo(settingsOf('OWNER/Project', { track: 'tags' }))).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await catalog().listRepos()).toEqual([
        expect.objectContaining({ id: 'owner/project', track: 'releases' }),
      ]);
    });

    it('lists repositories sorted by id, ignoring case', async () => {
      for (const id of ['gamma/three', 'Beta/two', 'delta/four', 'alpha/one'])
        await catalog().addRepo(settingsOf(id));
      const ids = (await catalog().listRepos()).map((repo) => repo.id);
      expect(ids).toEqual(['alpha/one', 'Beta/two', 'delta/four', 'gamma/three']);
    });

    it('lists nothing when empty', async () => {
      expect(await catalog().listRepos()).toEqual([]);
    });

    it('updates only the given fields and returns the whole new record', async () => {
      const added = await catalog().addRepo(settingsOf('Owner/Project', { asset: '*.zip' }));
      const changes = { version: 'v1.2.0', modified: '2025-01-02T03:04:05.000Z', files: 12, bytes: 3456 };
      const updated = await catalog().updateRepo('owner/project', changes);
      expect(updated).toEqual({ ...added, ...changes });
      expect(await catalog().getRepo('Owner/Project')).toEqual(updated);
    });

    it('updates every kind of field, including back to null and false', async () => {
      await catalog().addRepo(settingsOf('owner/project'));
      const failed = await catalog().updateRepo('owner/project', {
        status: 'failed',
        error: 'GitHub answered 502.',
        etag: '"abc"',
        enabled: false,
        lastCheckedAt: '2025-02-03T04:05:06.000Z',
        track: 'tags',
        origin: 'config',
      });
      expect(failed).toMatchObject({ status: 'failed', enabled: false, track: 'tags', origin: 'config' });
      const recovered = await catalog().updateRepo('owner/project', { status: 'unchanged', error: null });
      expect(recovered).toEqual({ ...failed, status: 'unchanged', error: null });
    });

    it('leaves the record as it was when no fields are given', async () => {
      const added = await catalog().addRepo(settingsOf('owner/project'));
      expect(await catalog().updateRepo('owner/project', {})).toEqual(added);
    });

    it('refuses to update or remove a repository it does not hold', async () => {
      await catalog().addRepo(settingsOf('owner/one'));
      await expect(catalog().updateRepo('owner/two', { enabled: false })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(catalog().removeRepo('owner/two')).rejects.toBeInstanceOf(NotFoundError);
      expect(await catalog().listRepos()).toHaveLength(1);
    });

    it('removes a repository whatever the case of the id, and only that one', async () => {
      await catalog().addRepo(settingsOf('Owner/One'));
      await catalog().addRepo(settingsOf('owner/two'));
      await catalog().removeRepo('OWNER/ONE');
      expect(await catalog().getRepo('owner/one')).toBeUndefined();
      expect((await catalog().listRepos()).map((repo) => repo.id)).toEqual(['owner/two']);
      await catalog().addRepo(settingsOf('owner/one'));
      expect(await catalog().getRepo('Owner/One')).toBeDefined();
    });
  });
}

function finished(
  overrides: Partial<SyncRunRecord> = {},
): Omit<SyncRunRecord, 'id' | 'repoId' | 'startedAt'> {
  return {
    finishedAt: '2025-03-01T10:00:05.000Z',
    status: 'updated',
    tag: 'v2.0.0',
    previousTag: 'v1.9.0',
    files: 120,
    bytes: 987_654,
    skipped: 3,
    durationMs: 5000,
    error: null,
    ...overrides,
  };
}

function describeSyncRunRules(catalog: () => Catalog): void {
  describe('sync runs', () => {
    it('records a started run as running with nothing counted yet', async () => {
      await catalog().startSyncRun({
        id: 'run-1',
        repoId: 'owner/project',
        startedAt: '2025-03-01T10:00:00.000Z',
      });
      expect(await catalog().listSyncRuns()).toEqual([
        {
          id: 'run-1',
          repoId: 'owner/project',
          startedAt: '2025-03-01T10:00:00.000Z',
          finishedAt: null,
          status: 'running',
          tag: null,
          previousTag: null,
          files: 0,
          bytes: 0,
          skipped: 0,
          durationMs: null,
          error: null,
        },
      ]);
    });

    it('records the outcome when the run finishes, keeping id, repository and start', async () => {
      const start = { id: 'run-1', repoId: 'owner/project', startedAt: '2025-03-01T10:00:00.000Z' };
      await catalog().startSyncRun(start);
      await catalog().finishSyncRun('run-1', finished());
      expect(await catalog().listSyncRuns()).toEqual([{ ...start, ...finished() }]);

      await catalog().startSyncRun({ ...start, id: 'run-2', startedAt: '2025-03-02T10:00:00.000Z' });
      const failure = finished({ status: 'failed', tag: null, previousTag: 'v2.0.0', error: 'Timed out.' });
      await catalog().finishSyncRun('run-2', failure);
      expect((await catalog().listSyncRuns())[0]).toEqual({
        ...start,
        id: 'run-2',
        startedAt: '2025-03-02T10:00:00.000Z',
        ...failure,
      });
    });

    it('lists runs newest first, filters by repository (ignoring case) and limits', async () => {
      const starts = [
        { id: 'b-2', repoId: 'owner/b', startedAt: '2025-03-02T00:00:00.000Z' },
        { id: 'a-1', repoId: 'owner/a', startedAt: '2025-03-01T00:00:00.000Z' },
        { id: 'a-3', repoId: 'owner/a', startedAt: '2025-03-03T00:00:00.000Z' },
        { id: 'b-4', repoId: 'owner/b', startedAt: '2025-03-04T00:00:00.000Z' },
        { id: 'a-2', repoId: 'owner/a', startedAt: '2025-03-02T12:00:00.000Z' },
      ];
      for (const start of starts) await catalog().startSyncRun(start);
      const ids = (runs: SyncRunRecord[]) => runs.map((run) => run.id);

      expect(ids(await catalog().listSyncRuns())).toEqual(['b-4', 'a-3', 'a-2', 'b-2', 'a-1']);
      expect(ids(await catalog().listSyncRuns({ repoId: 'owner/a' }))).toEqual(['a-3', 'a-2', 'a-1']);
      expect(ids(await catalog().listSyncRuns({ repoId: 'OWNER/B' }))).toEqual(['b-4', 'b-2']);
      expect(ids(await catalog().listSyncRuns({ limit: 2 }))).toEqual(['b-4', 'a-3']);
      expect(ids(await catalog().listSyncRuns({ repoId: 'owner/a', limit: 1 }))).toEqual(['a-3']);
      expect(await catalog().listSyncRuns({ repoId: 'owner/none' })).toEqual([]);
    });
  });
}

function holderOf(token: string, pid = 100): LockHolder {
  return { token, pid, host: `host-${pid}`, acquiredAt: `2025-03-01T10:00:0${pid % 10}.000Z` };
}

function describeLockRules(catalog: () => Catalog): void {
  describe('locks', () => {
    it('acquires a free resource and reports the holder to the next caller', async () => {
      const first = holderOf('token-first', 101);
      expect(await catalog().tryLock('sync', first)).toEqual({ acquired: true });
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
    });

    it('locks each resource on its own', async () => {
      expect(await catalog().tryLock('sync:owner/a', holderOf('token-a'))).toEqual({ acquired: true });
      expect(await catalog().tryLock('sync:owner/b', holderOf('token-b'))).toEqual({ acquired: true });
    });

    it('lets exactly one of many simultaneous callers acquire', async () => {
      const holders = Array.from({ length: 8 }, (_, index) => holderOf(`token-${index}`, 100 + index));
      const attempts = await Promise.all(holders.map((holder) => catalog().tryLock('sync', holder)));
      const winners = holders.filter((_, index) => attempts[index]?.acquired);
      expect(winners).toHaveLength(1);
      for (const attempt of attempts.filter((each) => !each.acquired)) {
        expect(attempt).toEqual({ acquired: false, holder: winners[0] });
      }
    });

    it('ignores a release with a token that does not hold the lock', async () => {
      const first = holderOf('token-first', 101);
      await catalog().tryLock('sync', first);
      await catalog().releaseLock('sync', 'token-other');
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
    });

    it('frees the resource on a release with the holding token', async () => {
      await catalog().tryLock('sync', holderOf('token-first', 101));
      await catalog().releaseLock('sync', 'token-first');
      const second = holderOf('token-second', 202);
      expect(await catalog().tryLock('sync', second)).toEqual({ acquired: true });
      await catalog().releaseLock('sync', 'token-first');
      expect(await catalog().tryLock('sync', holderOf('token-third', 303))).toEqual({
        acquired: false,
        holder: second,
      });
    });

    it('accepts a release of a resource nobody holds', async () => {
      await expect(catalog().releaseLock('never-locked', 'token')).resolves.toBeUndefined();
    });

    it('breaks a lock only with the token that still holds it, so only one breaker wins', async () => {
      const first = holderOf('token-first', 101);
      await catalog().tryLock('sync', first);
      expect(await catalog().breakLock('sync', 'token-other')).toBe(false);
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
      expect(await catalog().breakLock('sync', 'token-first')).toBe(true);
      expect(await catalog().breakLock('sync', 'token-first')).toBe(false);
      expect(await catalog().tryLock('sync', holderOf('token-third', 303))).toEqual({ acquired: true });
      expect(await catalog().breakLock('never-locked', 'token')).toBe(false);
    });
  });
}

function minute(value: number): string {
  return new Date(Date.UTC(2025, 3, 1, 9, value)).toISOString();
}

function messageOf(role: NewMessage['role'], content: string, at: number, metadata = {}): NewMessage {
  return { role, content, metadata, createdAt: minute(at) };
}

/** A question and its answer, as the assistant appends them once the answer succeeded. */
function exchangeOf(question: string, at: number): NewMessage[] {
  return [
    messageOf('user', question, at),
    messageOf('assistant', `Answer to ${question}`, at + 1, { model: 'test-model', citations: [] }),
  ];
}

function describeConversationRules(catalog: () => Catalog): void {
  describe('conversations', () => {
    it('creates an empty conversation and finds it by its exact id', async () => {
      const created = await catalog().createConversation({
        id: 'Chat-1',
        title: 'Tar',
        createdAt: minute(0),
      });
      const expected: ConversationRecord = {
        id: 'Chat-1',
        owner: null,
        title: 'Tar',
        createdAt: minute(0),
        updatedAt: minute(0),
        messageCount: 0,
      };
      expect(created).toEqual(expected);
      expect(await catalog().getConversation('Chat-1')).toEqual(expected);
      expect(await catalog().getConversation('chat-1')).toBeUndefined();
      expect(await catalog().getConversation('chat-2')).toBeUndefined();
    });

    it('refuses an id already present and keeps the first record', async () => {
      await catalog().createConversation({ id: 'chat-1', title: 'First', createdAt: minute(0) });
      await expect(
        catalog().createConversation({ id: 'chat-1', title: 'Second', createdAt: minute(5) }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await catalog().getConversation('chat-1')).toMatchObject({
        title: 'First',
        createdAt: minute(0),
      });
    });

    it('refuses an empty id', async () => {
      await expect(
        catalog().createConversation({ id: '', title: 'Nameless', createdAt: minute(0) }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await catalog().listConversations()).toEqual([]);
    });

    it('lists the most recently updated first, ties by id, and limits', async () => {
      await catalog().createConversation({ id: 'b', title: 'B', createdAt: minute(1) });
      await catalog().createConversation({ id: 'a', title: 'A', createdAt: minute(1) });
      await catalog().createConversation({ id: 'c', title: 'C', createdAt: minute(2) });
      const ids = async (options?: { limit?: number }) =>
        (await catalog().listConversations(options)).map((conversation) => conversation.id);
      expect(await ids()).toEqual(['c', 'a', 'b']);

      await catalog().appendMessages('b', exchangeOf('tar?', 10));
      expect(await ids()).toEqual(['b', 'c', 'a']);
      expect(await ids({ limit: 2 })).toEqual(['b', 'c']);
      expect(await ids({ limit: 0 })).toEqual([]);
    });

    it('lists nothing when empty and refuses a limit that is not a whole number of 0 or more', async () => {
      expect(await catalog().listConversations()).toEqual([]);
      await expect(catalog().listConversations({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
      await expect(catalog().listConversations({ limit: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('deletes a conversation with its messages, and only that one', async () => {
      await catalog().createConversation({ id: 'chat-1', title: 'One', createdAt: minute(0) });
      await catalog().createConversation({ id: 'chat-2', title: 'Two', createdAt: minute(0) });
      await catalog().appendMessages('chat-1', exchangeOf('one?', 1));
      await catalog().appendMessages('chat-2', exchangeOf('two?', 1));

      expect(await catalog().deleteConversation('chat-1')).toBe(true);
      expect(await catalog().getConversation('chat-1')).toBeUndefined();
      await expect(catalog().listMessages('chat-1')).rejects.toBeInstanceOf(NotFoundError);
      expect((await catalog().listConversations()).map((conversation) => conversation.id)).toEqual([
        'chat-2',
      ]);
      expect(await catalog().listMessages('chat-2')).toHaveLength(2);
      expect(await catalog().deleteConversation('chat-1')).toBe(false);
      expect(await catalog().deleteConversation('never-created')).toBe(false);

      // A conversation created again under the old id must not inherit the deleted messages.
      await catalog().createConversation({ id: 'chat-1', title: 'Again', createdAt: minute(9) });
      expect(await catalog().listMessages('chat-1')).toEqual([]);
      expect(await catalog().appendMessages('chat-1', [messageOf('user', 'hi', 10)])).toMatchObject([
        { seq: 1 },
      ]);
    });
  });
}

function describeMessageRules(catalog: () => Catalog): void {
  describe('messages', () => {
    beforeEach(async () => {
      await catalog().createConversation({ id: 'chat', title: 'Chat', createdAt: minute(0) });
    });

    it('numbers messages from 1 in order across appends and moves updatedAt to the last one', async () => {
      const batches = [exchangeOf('one?', 1), [...exchangeOf('two?', 3), messageOf('user', 'three?', 5)]];
      const first = await catalog().appendMessages('chat', batches[0] ?? []);
      const second = await catalog().appendMessages('chat', batches[1] ?? []);
      const expected: MessageRecord[] = batches
        .flat()
        .map((message, index) => ({ conversationId: 'chat', seq: index + 1, ...message }));
      expect([...first, ...second]).toEqual(expected);
      expect(await catalog().listMessages('chat')).toEqual(expected);
      expect(await catalog().getConversation('chat')).toEqual({
        id: 'chat',
        owner: null,
        title: 'Chat',
        createdAt: minute(0),
        updatedAt: minute(5),
        messageCount: 5,
      });
    });

    it('keeps the messages of each conversation apart, each numbered from 1', async () => {
      await catalog().createConversation({ id: 'other', title: 'Other', createdAt: minute(0) });
      await catalog().appendMessages('chat', exchangeOf('mine?', 1));
      await catalog().appendMessages('other', [messageOf('user', 'theirs?', 2)]);
      expect((await catalog().listMessages('chat')).map((message) => message.content)).toEqual([
        'mine?',
        'Answer to mine?',
      ]);
      expect(await catalog().listMessages('other')).toEqual([
        { conversationId: 'other', seq: 1, ...messageOf('user', 'theirs?', 2) },
      ]);
    });

    it('returns the metadata and content exactly as their JSON round trip', async () => {
      const metadata = {
        standaloneQuestion: 'Wie entpacke ich ein Archiv? 🗜️',
        model: 'bedrock/anthropic.claude',
        citations: [{ source: 'repo', path: 'src/日本語.ts', lines: [3, 14], score: 0.875 }],
        usage: { inputTokens: 1200, outputTokens: 0, cached: null, nested: { deeper: { deepest: true } } },
        rtl: 'שלום עולם',
        empty: '',
        dropped: undefined,
        when: new Date(Date.UTC(2025, 0, 1)),
      };
      const content = 'Line one\nLine two with "quotes", a tab\t, and emoji 👩‍💻 and \\backslash\\';
      const [stored] = await catalog().appendMessages('chat', [messageOf('assistant', content, 1, metadata)]);
      const roundTripped = JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
      expect(stored?.metadata).toEqual(roundTripped);
      expect(stored?.metadata).not.toHaveProperty('dropped');
      expect(stored?.metadata.when).toBe('2025-01-01T00:00:00.000Z');
      const [listed] = await catalog().listMessages('chat');
      expect(listed).toEqual(stored);
      expect(listed?.content).toBe(content);
    });

    it('returns only the last turns when asked, oldest first', async () => {
      for (let index = 0; index < 3; index++)
        await catalog().appendMessages('chat', exchangeOf(`q${index}?`, index * 2));
      const seqs = async (lastTurns: number) =>
        (await catalog().listMessages('chat', { lastTurns })).map((message) => message.seq);
      expect(await seqs(4)).toEqual([3, 4, 5, 6]);
      expect(await seqs(1)).toEqual([6]);
      expect(await seqs(6)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await seqs(50)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await seqs(0)).toEqual([]);
      await expect(catalog().listMessages('chat', { lastTurns: -2 })).rejects.toBeInstanceOf(ValidationError);
      await expect(catalog().listMessages('chat', { lastTurns: 2.5 })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('lists no messages for a new conversation and refuses an unknown one', async () => {
      expect(await catalog().listMessages('chat')).toEqual([]);
      expect(await catalog().listMessages('chat', { lastTurns: 3 })).toEqual([]);
      await expect(catalog().listMessages('no-such-chat')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}

/** The rules that keep history whole: a batch is stored entirely or not at all. */
function describeAtomicAppendRules(catalog: () => Catalog): void {
  describe('appending is all or nothing', () => {
    const history = exchangeOf('kept?', 1);

    beforeEach(async () => {
      await catalog().createConversation({ id: 'chat', title: 'Chat', createdAt: minute(0) });
      await catalog().appendMessages('chat', history);
    });

    async function expectHistoryUnchanged(): Promise<void> {
      expect((await catalog().listMessages('chat')).map((message) => message.content)).toEqual([
        'kept?',
        'Answer to kept?',
      ]);
      expect(await catalog().getConversation('chat')).toMatchObject({
        updatedAt: minute(2),
        messageCount: 2,
      });
    }

    it('refuses to append to an unknown conversation and writes nothing', async () => {
      await expect(catalog().appendMessages('ghost', exchangeOf('lost?', 5))).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await catalog().getConversation('ghost')).toBeUndefined();
      // Created afterwards, the conversation must not pick up rows left behind by the refused append.
      await catalog().createConversation({ id: 'ghost', title: 'Ghost', createdAt: minute(6) });
      expect(await catalog().listMessages('ghost')).toEqual([]);
      await expectHistoryUnchanged();
    });

    it('refuses an empty batch', async () => {
      await expect(catalog().appendMessages('chat', [])).rejects.toBeInstanceOf(ValidationError);
      await expectHistoryUnchanged();
    });

    it('refuses a whole batch when a later message has a role other than user or assistant', async () => {
      const batch = [
        ...exchangeOf('new?', 5),
        { ...messageOf('user', 'sneaky', 7), role: 'system' } as unknown as NewMessage,
      ];
      await expect(catalog().appendMessages('chat', batch)).rejects.toBeInstanceOf(ValidationError);
      await expectHistoryUnchanged();
      expect(await catalog().appendMessages('chat', exchangeOf('next?', 8))).toMatchObject([
        { seq: 3 },
        { seq: 4 },
      ]);
    });

    it('refuses a whole batch when some metadata cannot be stored as a JSON object', async () => {
      const circular: Record<string, unknown> = { name: 'loop' };
      circular.self = circular;
      const refused: unknown[] = [circular, { tokens: 10n }, ['not', 'an', 'object'], null, 'text'];
      for (const metadata of refused) {
        const batch = [
          messageOf('user', 'fine?', 5),
          { ...messageOf('assistant', 'bad', 6), metadata } as unknown as NewMessage,
        ];
        await expect(catalog().appendMessages('chat', batch)).rejects.toBeInstanceOf(ValidationError);
      }
      await expectHistoryUnchanged();
    });

    it('refuses a whole batch when content or createdAt is not a string', async () => {
      const badContent = { ...messageOf('assistant', '', 6), content: 42 } as unknown as NewMessage;
      const badTime = { ...messageOf('assistant', 'ok', 6), createdAt: undefined } as unknown as NewMessage;
      for (const bad of [badContent, badTime]) {
        await expect(
          catalog().appendMessages('chat', [messageOf('user', 'q', 5), bad]),
        ).rejects.toBeInstanceOf(ValidationError);
      }
      await expectHistoryUnchanged();
    });

    it('gives simultaneous appends their own seq numbers and keeps each batch together', async () => {
      const batches = Array.from({ length: 6 }, (_, index) => exchangeOf(`q${index}?`, 10 + index * 2));
      await Promise.all(batches.map((batch) => catalog().appendMessages('chat', batch)));
      const messages = await catalog().listMessages('chat');
      expect(messages.map((message) => message.seq)).toEqual(
        Array.from({ length: 14 }, (_, index) => index + 1),
      );
      for (let seq = 3; seq <= 14; seq += 2) {
        const [question, answer] = [messages[seq - 1], messages[seq]];
        expect(answer?.content).toBe(`Answer to ${question?.content}`);
      }
      expect(await catalog().getConversation('chat')).toMatchObject({ messageCount: 14 });
    });
  });
}
