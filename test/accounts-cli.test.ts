import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateUser } from '../src/accounts/users.ts';
import { createSqliteCatalog } from '../src/adapters/sqlite/sqlite-catalog.ts';
import { createWorkspace, type Workspace } from './support/assistant-fixture.ts';

const bobPassword = 'bob chose this passphrase';
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-accounts-cli-'));
});
afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function freshWorkspace(): Promise<Workspace> {
  return createWorkspace(folder, 'sync:\n  repos: []\n');
}

/** Every byte Quarry keeps about accounts: the catalog file and its write-ahead log, whatever is left. */
async function catalogBytes(home: string): Promise<Buffer> {
  const files = (await readdir(home)).filter((name) => name.startsWith('quarry.sqlite'));
  expect(files).toContain('quarry.sqlite');
  return Buffer.concat(await Promise.all(files.map((name) => readFile(path.join(home, name)))));
}

async function signIn(home: string, name: string, password: string) {
  const catalog = createSqliteCatalog({ path: path.join(home, 'quarry.sqlite') });
  try {
    return await authenticateUser(catalog, name, password);
  } finally {
    await catalog.close();
  }
}

/** The generated password printed by `users add` or `users passwd`. */
function shownPassword(stdout: string, name: string): string {
  const password = new RegExp(`^Password for ${name} \\(shown once\\): ([A-Za-z0-9_-]{24})$`, 'm').exec(
    stdout,
  )?.[1];
  expect(password, stdout).toBeDefined();
  return password ?? '';
}

describe('quarry users', () => {
  it('adds, lists and removes accounts, and protects the last admin', async () => {
    const workspace = await freshWorkspace();
    const root = await workspace.run(['users', 'add', 'Root', '--role', 'admin']);
    expect(root.code, root.stderr).toBe(0);
    expect(root.stdout).toMatch(/^Added user Root \(admin\)\.$/m);
    const rootPassword = shownPassword(root.stdout, 'Root');

    const bob = await workspace.run(['users', 'add', 'bob', '--password-stdin'], {
      stdin: [bobPassword, 'ignored'],
    });
    expect(bob.code, bob.stderr).toBe(0);
    expect(bob.stdout).toBe('Added user bob (member).\n');

    const table = await workspace.run(['users', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+ROLE\s+CREATED$/);
    expect(table.stdout).toMatch(/^bob\s+member\s+\d{4}-\d\d-\d\dT/m);
    expect(table.stdout).toMatch(/^Root\s+admin\s+/m);

    const listed = await workspace.run(['users', 'list', '--json']);
    const users = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(users.map((user) => [user.name, user.role])).toEqual([
      ['bob', 'member'],
      ['Root', 'admin'],
    ]);
    for (const user of users) expect(Object.keys(user).sort()).toEqual(['createdAt', 'name', 'role']);
    expect(listed.stdout).not.toMatch(/scrypt|hash/i);

    expect(await signIn(workspace.home, 'root', rootPassword)).toMatchObject({ id: 'Root', role: 'admin' });
    expect(await signIn(workspace.home, 'BOB', bobPassword)).toMatchObject({ id: 'bob', role: 'member' });

    const lastAdmin = await workspace.run(['users', 'remove', 'root']);
    expect(lastAdmin.code).toBe(2);
    expect(lastAdmin.stderr).toMatch(
      /^error: Root is the last admin; removing it would leave nobody to manage Quarry\.$/m,
    );
    expect(lastAdmin.stderr).toMatch(/^hint: Add another admin first/m);

    const removed = await workspace.run(['users', 'remove', 'BOB']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/^Removed user bob with 0 API keys/);
    const after = JSON.parse((await workspace.run(['users', 'list', '--json'])).stdout) as { name: string }[];
    expect(after.map((user) => user.name)).toEqual(['Root']);

    const ghost = await workspace.run(['users', 'remove', 'bob']);
    expect(ghost.code).toBe(2);
    expect(ghost.stderr).toMatch(/^error: User bob does not exist\.$/m);

    const bytes = await catalogBytes(workspace.home);
    for (const secret of [rootPassword, bobPassword]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
  });

  it('refuses a name already taken, in any case, keeping the first account', async () => {
    const workspace = await freshWorkspace();
    expect(
      (await workspace.run(['users', 'add', 'bob', '--password-stdin'], { stdin: [bobPassword] })).code,
    ).toBe(0);
    const duplicate = await workspace.run(['users', 'add', 'BOB', '--role', 'admin']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/^error: User bob already exists\.$/m);
    expect(duplicate.stderr).toMatch(/^hint: /m);
    expect(duplicate.stdout).not.toMatch(/Password for/);
    const users = JSON.parse((await workspace.run(['users', 'list', '--json'])).stdout) as { role: string }[];
    expect(users).toEqual([expect.objectContaining({ name: 'bob', role: 'member' })]);
  });

  it('refuses a short or missing password, a bad name and a bad role, adding nobody', async () => {
    const workspace = await freshWorkspace();
    const short = await workspace.run(['users', 'add', 'bob', '--password-stdin'], { stdin: ['tooshort1'] });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^error: The password is too short: it needs at least 12 characters\.$/m);
    expect(short.stderr).not.toContain('tooshort1');

    const missing = await workspace.run(['users', 'add', 'bob', '--password-stdin'], { stdin: [] });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: No password on standard input\.$/m);

    const badName = await workspace.run(['users', 'add', 'bob smith']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/^error: The user name "bob smith" is not allowed\.$/m);

    const badRole = await workspace.run(['users', 'add', 'bob', '--role', 'owner']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/admin, member/);

    const listed = await workspace.run(['users', 'list']);
    expect(listed.stdout).toBe('No users. Add one with: quarry users add <name> --role admin\n');
  });

  it('changes a password from standard input, or to a generated one', async () => {
    const workspace = await freshWorkspace();
    await workspace.run(['users', 'add', 'bob', '--password-stdin'], { stdin: [bobPassword] });
    const changed = await workspace.run(['users', 'passwd', 'bob', '--password-stdin'], {
      stdin: ['  a new passphrase with spaces  '],
    });
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toBe('Changed the password of bob.\n');
    expect(await signIn(workspace.home, 'bob', bobPassword)).toBeUndefined();
    expect(await signIn(workspace.home, 'bob', '  a new passphrase with spaces  ')).toBeDefined();

    const generated = await workspace.run(['users', 'passwd', 'bob']);
    expect(generated.code).toBe(0);
    expect(await signIn(workspace.home, 'bob', shownPassword(generated.stdout, 'bob'))).toBeDefined();

    const unknown = await workspace.run(['users', 'passwd', 'alice', '--password-stdin'], {
      stdin: [bobPassword],
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: User alice does not exist\.$/m);
  });
});

describe('quarry keys', () => {
  it('creates, lists and revokes keys, never showing or storing a secret', async () => {
    const workspace = await freshWorkspace();
    await workspace.run(['users', 'add', 'Bob', '--password-stdin'], { stdin: [bobPassword] });
    await workspace.run(['users', 'add', 'ops', '--role', 'admin']);

    const created = await workspace.run(['keys', 'create', '--user', 'bob', '--name', 'ci']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(created.stdout).toMatch(/^qk_[A-Za-z0-9-]{12}_[A-Za-z0-9_-]{32}\n$/);
    const id = key.slice(3, 15);
    const secret = key.slice(16);
    expect(created.stderr).toContain(`Created API key ${id} ("ci") for Bob. It is shown only now:`);
    expect(created.stderr).toContain('Authorization: Bearer <key>');
    const other = await workspace.run(['keys', 'create', '--user', 'ops']);
    const otherKey = other.stdout.trim();

    const table = await workspace.run(['keys', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+USER\s+NAME\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+Bob\\s+ci\\s+\\S+\\s+never\\s+-$`, 'm'));
    expect(table.stdout).toMatch(/\sops\s+default\s/);

    const listed = await workspace.run(['keys', 'list', '--user', 'BOB', '--json']);
    expect(listed.code).toBe(0);
    const keys = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(keys).toEqual([
      { id, userId: 'Bob', name: 'ci', createdAt: expect.any(String), lastUsedAt: null, revokedAt: null },
    ]);
    const everything = (await workspace.run(['keys', 'list', '--json'])).stdout;
    for (const text of [listed.stdout, everything, table.stdout]) {
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/hash|[0-9a-f]{64}/i);
    }

    const revoked = await workspace.run(['keys', 'revoke', id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`Revoked API key ${id} ("ci") of Bob.\n`);
    const again = await workspace.run(['keys', 'revoke', key]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`^API key ${id} \\("ci"\\) of Bob was already revoked at \\S+\\.\n$`),
    );
    expect(again.stdout + again.stderr).not.toContain(secret);
    const [afterRevoke] = JSON.parse(
      (await workspace.run(['keys', 'list', '--user', 'bob', '--json'])).stdout,
    ) as {
      revokedAt: string | null;
    }[];
    expect(afterRevoke?.revokedAt).toMatch(/^\d{4}-/);

    const bytes = await catalogBytes(workspace.home);
    for (const stored of [secret, otherKey.slice(16), key, bobPassword]) {
      expect(bytes.includes(Buffer.from(stored))).toBe(false);
    }
  });

  it('refuses keys for unknown users, unknown ids and a missing --user', async () => {
    const workspace = await freshWorkspace();
    const ghost = await workspace.run(['keys', 'create', '--user', 'ghost']);
    expect(ghost.code).toBe(2);
    expect(ghost.stderr).toMatch(/^error: User ghost does not exist\.$/m);
    expect(ghost.stdout).toBe('');

    const missingUser = await workspace.run(['keys', 'create']);
    expect(missingUser.code).toBe(2);
    expect(missingUser.stderr).toMatch(/--user/);

    const unknownList = await workspace.run(['keys', 'list', '--user', 'ghost']);
    expect(unknownList.code).toBe(2);

    const unknown = await workspace.run(['keys', 'revoke', 'abcdefghijkl']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: API key abcdefghijkl does not exist\.$/m);

    const pasted = 'qk_not-a-real-key_but-secret-looking';
    const pastedRun = await workspace.run(['keys', 'revoke', pasted]);
    expect(pastedRun.code).toBe(2);
    expect(pastedRun.stderr).not.toContain('secret-looking');

    expect((await workspace.run(['keys', 'list'])).stdout).toMatch(/^No API keys\./);
  });

  it('removes the keys of a removed user', async () => {
    const workspace = await freshWorkspace();
    await workspace.run(['users', 'add', 'root', '--role', 'admin']);
    await workspace.run(['users', 'add', 'bob']);
    await workspace.run(['keys', 'create', '--user', 'bob', '--name', 'one']);
    await workspace.run(['keys', 'create', '--user', 'bob', '--name', 'two']);
    const removed = await workspace.run(['users', 'remove', 'bob']);
    expect(removed.stdout).toBe('Removed user bob with 2 API keys; its sessions ended.\n');
    expect(JSON.parse((await workspace.run(['keys', 'list', '--json'])).stdout)).toEqual([]);
  });
});
