import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadResourceSpecification } from '../../src/cloud/template/aws-resource-specification.ts';
import type { ResourceSpecification } from '../../src/cloud/template/resource-specification.ts';

/**
 * `XDG_CACHE_HOME` for the tests: the compact CloudFormation specification is built here once (by the
 * global setup) and read by every test file and CLI run, instead of each building it from the full
 * database, which costs two seconds of CPU and 250 MB apiece while the timing-sensitive tests run.
 */
export const testCacheHome = path.join(tmpdir(), 'quarry-test-cache');

/** The specification from the tests' shared cache. */
export function loadTestSpecification(): Promise<ResourceSpecification> {
  return loadResourceSpecification({ cacheFolder: path.join(testCacheHome, 'quarry') });
}
