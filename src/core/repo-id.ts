import { ValidationError } from './errors/index.ts';

/** A GitHub repository name split into its parts. */
export interface RepoName {
  owner: string;
  name: string;
}

// GitHub's own rules: owners are 1-39 letters, digits or single hyphens (not at either end); repository
// names are up to 100 letters, digits, `.`, `-` or `_`, and cannot be `.` or `..`.
const ownerPattern = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const namePattern = /^[A-Za-z0-9._-]{1,100}$/;

/** Parses `owner/name`, throwing a `ValidationError` that shows the expected form. */
export function parseRepoId(id: string): RepoName {
  const parts = id.trim().split('/');
  const [owner, name] = parts;
  if (parts.length !== 2 || owner === undefined || name === undefined) {
    throw invalid(id, 'expected exactly one "/" between owner and name');
  }
  if (!ownerPattern.test(owner)) throw invalid(id, `"${owner}" is not a valid GitHub owner`);
  if (!namePattern.test(name) || name === '.' || name === '..') {
    throw invalid(id, `"${name}" is not a valid GitHub repository name`);
  }
  return { owner, name: name.endsWith('.git') ? name.slice(0, -4) : name };
}

/** Parses and re-joins, so `" owner/name.git "` becomes `owner/name`. */
export function normalizeRepoId(id: string): string {
  const { owner, name } = parseRepoId(id);
  return `${owner}/${name}`;
}

function invalid(id: string, reason: string): ValidationError {
  return new ValidationError(`Invalid repository ${JSON.stringify(id)}: ${reason}.`, {
    hint: 'Name repositories as owner/name, e.g. awslabs/aws-solutions-constructs.',
  });
}
