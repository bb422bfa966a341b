import { ValidationError } from '../core/errors/index.ts';

/** A language code can be generated in: how it is named, stored and tagged in Markdown. */
export interface CodeLanguage {
  /** Canonical lowercase name, used in prompts, sidecars and messages (`csharp`, `shell`). */
  name: string;
  /** File extension of stored output, without the dot (`cs`, `sh`). */
  extension: string;
  /**
   * Lowercase words that mark this language in a fence's info string (```` ```bash ````), canonical name
   * first. They are also the aliases {@link resolveLanguage} accepts, so whatever a user may type is
   * also recognised in a reply.
   */
  fences: string[];
}

/**
 * Canonical name → extension and aliases. Extensions are lowercase so keys stay lowercase; Dockerfiles
 * are stored as `<slug>.dockerfile`, a suffix editors and `docker build -f` understand, because a key
 * cannot be named after the slug and be called `Dockerfile` at the same time.
 */
const table: ReadonlyArray<readonly [name: string, extension: string, aliases: readonly string[]]> = [
  ['python', 'py', ['py', 'python3', 'py3']],
  ['typescript', 'ts', ['ts', 'mts', 'cts']],
  ['tsx', 'tsx', []],
  ['javascript', 'js', ['js', 'node', 'nodejs', 'mjs', 'cjs']],
  ['jsx', 'jsx', []],
  ['go', 'go', ['golang']],
  ['rust', 'rs', ['rs']],
  ['java', 'java', []],
  ['csharp', 'cs', ['c#', 'cs', 'dotnet']],
  ['cpp', 'cpp', ['c++', 'cxx', 'cc', 'hpp']],
  ['c', 'c', ['h']],
  ['ruby', 'rb', ['rb']],
  ['php', 'php', []],
  ['kotlin', 'kt', ['kt', 'kts']],
  ['swift', 'swift', []],
  ['scala', 'scala', ['sc']],
  ['shell', 'sh', ['sh', 'bash', 'zsh', 'shellscript']],
  ['powershell', 'ps1', ['ps1', 'pwsh']],
  ['sql', 'sql', ['postgresql', 'postgres', 'mysql', 'sqlite', 'plpgsql', 'tsql']],
  ['yaml', 'yaml', ['yml']],
  ['json', 'json', ['jsonc']],
  ['toml', 'toml', []],
  ['xml', 'xml', []],
  ['terraform', 'tf', ['tf', 'hcl']],
  ['dockerfile', 'dockerfile', ['docker', 'containerfile']],
  ['html', 'html', ['htm']],
  ['css', 'css', []],
  ['markdown', 'md', ['md']],
  ['r', 'r', []],
  ['lua', 'lua', []],
  ['dart', 'dart', []],
  ['haskell', 'hs', ['hs']],
  ['elixir', 'ex', ['ex', 'exs']],
  ['perl', 'pl', ['pl']],
];

/** Every supported language, in a stable order (the order of the table above). */
export const supportedLanguages: readonly CodeLanguage[] = table.map(([name, extension, aliases]) => ({
  name,
  extension,
  fences: [name, ...aliases],
}));

const byAlias = new Map<string, CodeLanguage>(
  supportedLanguages.flatMap((language) => language.fences.map((fence) => [fence, language] as const)),
);

/** The canonical names of {@link supportedLanguages}, sorted for messages. */
export function supportedLanguageNames(): string[] {
  return supportedLanguages.map((language) => language.name).sort();
}

/** The language an alias or name stands for (case-insensitive), or `undefined`. Never throws. */
export function findLanguage(name: string): CodeLanguage | undefined {
  return byAlias.get(name.trim().toLowerCase());
}

/**
 * The language `name` stands for: a canonical name or an alias (`bash`, `c#`, `golang`, `yml`, `hcl`),
 * case-insensitive. An empty or unknown name is a `ValidationError` listing the supported names, so the
 * user can fix the request without looking anything up.
 */
export function resolveLanguage(name: string): CodeLanguage {
  const language = findLanguage(name);
  if (language) return language;
  const names = supportedLanguageNames().join(', ');
  const problem =
    name.trim() === ''
      ? 'No language was given'
      : `The language ${JSON.stringify(name.trim())} is not supported`;
  throw new ValidationError(`${problem}. Supported languages: ${names}.`, {
    hint: `Use --language with one of: ${names} (common aliases such as bash, c#, golang and yml work too).`,
  });
}
