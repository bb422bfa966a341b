/**
 * Works out, while entries stream past, whether an archive has a single top-level folder (GitHub's
 * `owner-repo-sha/`), and gives each entry's path relative to it for the ignore rules.
 *
 * The decision has to be made before the whole archive has been seen, so the first entry's first
 * segment is taken as the root. When a later entry proves there is no single root (another top-level
 * name, or a file at the top), the tracker drops the root from then on: later entries are matched against
 * their full path, while earlier ones were already matched relative to the root. Real archives are either
 * single-rooted throughout (GitHub) or flat from their first entry, so the mixed case only affects odd
 * hand-made archives, and it never puts a file anywhere unsafe.
 */
export class RootFolderTracker {
  // undefined: no entry seen yet; null: no single root folder.
  #root: string | null | undefined;

  /** The single top-level folder every entry so far sat in, or `null`. */
  get rootFolder(): string | null {
    return this.#root ?? null;
  }

  /** Records one entry's normalised path (`''`, the archive's own top, says nothing). */
  observe(entryPath: string, isDirectory: boolean): void {
    if (entryPath === '') return;
    const slash = entryPath.indexOf('/');
    const topName = slash === -1 ? entryPath : entryPath.slice(0, slash);
    const insideFolder = slash !== -1 || isDirectory;
    if (this.#root === undefined) {
      this.#root = insideFolder ? topName : null;
    } else if (this.#root !== null && (topName !== this.#root || !insideFolder)) {
      this.#root = null;
    }
  }

  /** `entryPath` relative to the root folder while there is one, else unchanged. */
  relativePath(entryPath: string): string {
    const root = this.#root;
    if (root === undefined || root === null) return entryPath;
    if (entryPath === root) return '';
    return entryPath.startsWith(`${root}/`) ? entryPath.slice(root.length + 1) : entryPath;
  }
}
