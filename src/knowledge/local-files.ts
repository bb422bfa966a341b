import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { SourceFile } from './source-file.ts';

/** Folders never worth indexing, whatever the ignore files say. */
const alwaysSkipped = new Set(['.git', '.hg', '.svn', 'node_modules', '.quarry']);

interface IgnoreScope {
  /** Folder the rules were written in, relative to the walk's root ('' for the root). */
  base: string;
  rules: Ignore;
}

/** A local path the user named, and how its files' paths are written in the index. */
export interface LocalRoot {
  /** Absolute path of the file or folder. */
  absolute: string;
  /** The index path of the root itself (relative to the working folder, or absolute without the `/`). */
  indexPath: string;
}

/** Resolves the paths a user gave; a path that does not exist is a `ValidationError` naming it. */
export function resolveLocalRoots(paths: string[], workingFolder: string): LocalRoot[] {
  return paths.map((given) => {
    const absolute = path.resolve(workingFolder, given);
    if (!fs.existsSync(absolute)) {
      throw new ValidationError(`Cannot ingest ${given}: no such file or folder.`, {
        hint: 'Check the path; relative paths are read from the current folder.',
      });
    }
    const relative = path.relative(workingFolder, absolute);
    const inside = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
    const indexPath = (inside ? relative : absolute.slice(1)).split(path.sep).join('/');
    return { absolute, indexPath };
  });
}

/**
 * Every file under the given roots, honouring `.gitignore` files found on the way (each applies to its
 * own folder and below) and skipping version-control and dependency folders. Symbolic links are not
 * followed, so a link loop cannot trap the walk.
 */
export async function* localFiles(roots: LocalRoot[]): AsyncIterable<SourceFile> {
  for (const root of roots) {
    const stat = await fs.promises.lstat(root.absolute);
    if (stat.isFile()) yield fileAt(root.absolute, root.indexPath, stat.size);
    else if (stat.isDirectory()) yield* walk(root, '', []);
  }
}

async function* walk(
  root: LocalRoot,
  relativeFolder: string,
  scopes: IgnoreScope[],
): AsyncIterable<SourceFile> {
  const folder = path.join(root.absolute, relativeFolder);
  const ownRules = await readIgnoreFile(path.join(folder, '.gitignore'));
  const active = ownRules ? [...scopes, { base: relativeFolder, rules: ownRules }] : scopes;
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch {
    return; // A folder removed or unreadable mid-walk is skipped, like a vanished file.
  }
  entries.sort((left, right) => (left.name < right.name ? -1 : 1));
  for (const entry of entries) {
    if (alwaysSkipped.has(entry.name)) continue;
    const relative = relativeFolder ? `${relativeFolder}/${entry.name}` : entry.name;
    if (isIgnored(active, relative, entry.isDirectory())) continue;
    if (entry.isDirectory()) {
      yield* walk(root, relative, active);
    } else if (entry.isFile()) {
      const absolute = path.join(root.absolute, relative);
      const size = await fs.promises
        .stat(absolute)
        .then((stat) => stat.size)
        .catch(() => 0);
      yield fileAt(absolute, root.indexPath ? `${root.indexPath}/${relative}` : relative, size);
    }
  }
}

function fileAt(absolute: string, indexPath: string, size: number): SourceFile {
  return {
    path: indexPath,
    size,
    read: async () => {
      try {
        return new Uint8Array(await fs.promises.readFile(absolute));
      } catch (error) {
        throw new NotFoundError(`The file ${indexPath} could not be read any more.`, { cause: error });
      }
    },
  };
}

async function readIgnoreFile(file: string): Promise<Ignore | undefined> {
  try {
    return ignore().add(await fs.promises.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function isIgnored(scopes: IgnoreScope[], relative: string, isDirectory: boolean): boolean {
  return scopes.some((scope) => {
    const inScope = scope.base ? relative.slice(scope.base.length + 1) : relative;
    return scope.rules.ignores(isDirectory ? `${inScope}/` : inScope);
  });
}
