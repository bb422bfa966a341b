import { z } from 'zod';
import { parseRepoId } from '../core/repo-id.ts';

// The sync steps exchange plain JSON, as AWS Step Functions passes it from one Lambda to the next. Each
// step's output is the next step's input, unchanged: the payload grows as the run goes on (check adds the
// release, extract the counts, promote the result), so the state machine needs no path juggling.

const repoIdSchema = z.string().refine(isRepoId, { message: 'expected a repository as owner/name' });

/** Run ids become one key segment of the staging prefix, so they are restricted to a safe alphabet. */
const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'expected a run id of letters, digits, "_" or "-"');

const countSchema = z.number().int().min(0);

/** A release tag: never `.` or `..`, which would name the repository's folder or its parent in URLs and keys. */
const tagSchema = z
  .string()
  .min(1)
  .refine((tag) => tag !== '.' && tag !== '..', { message: 'expected a release tag, not "." or ".."' });

/** One repository the list step hands to the Map: the check step's input. */
export const repositoryToSyncSchema = z.object({
  repoId: repoIdSchema,
  /** Chosen when the pass is listed, so that a retried check is the same run (it finds its own lock). */
  runId: runIdSchema,
  /** Re-extract even when the release is unchanged. */
  force: z.boolean().default(false),
});

/** Input of the list step: what a schedule or a request asks for. */
export const listInputSchema = z.object({
  /** Sync only this repository (even when disabled); otherwise every enabled one. Spelled as users do. */
  repoId: z.string().min(1).optional(),
  force: z.boolean().default(false),
});

/** Output of the list step: the Map's items. */
export const listOutputSchema = z.object({ repos: z.array(repositoryToSyncSchema) });

/** What `quarry sync --json` prints per repository (`SyncResult`). */
export const syncResultSchema = z.object({
  id: z.string(),
  status: z.enum(['updated', 'unchanged', 'no-release', 'failed']),
  tag: z.string().nullable(),
  previousTag: z.string().nullable(),
  files: countSchema,
  bytes: countSchema,
  durationMs: z.number().min(0),
  error: z.string().nullable(),
});

/** The archive to download, as the release source described it. */
export const releaseArchiveSchema = z.object({
  kind: z.enum(['tarball', 'asset']),
  format: z.enum(['tar.gz', 'tar', 'zip']),
  assetId: z.number().int().nullable(),
  name: z.string(),
  size: countSchema.nullable(),
});

/** A run that found a new release and holds the repository's lock: check's output, extract's input. */
export const releaseRunSchema = z.object({
  newRelease: z.literal(true),
  repoId: repoIdSchema,
  runId: runIdSchema,
  /** The token the run's lock is held with; the last step (or record-failure) releases it. */
  lockToken: z.string().min(1),
  /** When the check began (ISO 8601), for the run's duration. */
  startedAt: z.iso.datetime({ offset: true }),
  force: z.boolean(),
  /** The version current when the check ran; promote refuses to run if the catalog moved on meanwhile. */
  previousTag: z.string().nullable(),
  release: z.object({ tag: tagSchema, etag: z.string().nullable(), archive: releaseArchiveSchema }),
});

/** A run that ended at the check (unchanged, no release, or a run already finished). */
export const settledRunSchema = z.object({
  newRelease: z.literal(false),
  repoId: repoIdSchema,
  runId: runIdSchema,
  result: syncResultSchema,
});

/** Output of the check step. */
export const checkOutputSchema = z.discriminatedUnion('newRelease', [settledRunSchema, releaseRunSchema]);

/** What the extract step stored under the run's staging prefix. */
export const extractedCountsSchema = z.object({
  files: countSchema,
  bytes: countSchema,
  /** Entries left out: ignored, links, special files. */
  skipped: countSchema,
  /** The archive's single top-level folder (stripped on promotion), or `null`. */
  rootFolder: z.string().min(1).nullable(),
});

/** Output of the extract step, input of the promote step. */
export const extractedRunSchema = releaseRunSchema.extend({ extracted: extractedCountsSchema });

/** How indexing one repository went. */
export const indexOutcomeSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('indexed'),
    // The knowledge base's report, passed through whole (warnings, skipped counts, ...).
    report: z.looseObject({
      source: z.string(),
      version: z.string(),
      indexed: countSchema,
      unchanged: countSchema,
      removed: countSchema,
      chunks: countSchema,
    }),
  }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
  z.object({ status: z.literal('failed'), error: z.string() }),
]);

/** An error as a Step Functions `Catch` with `ResultPath: "$.error"` hands it on. */
export const stepErrorSchema = z.object({
  /** The error's name, e.g. `ValidationError` or `States.Timeout`. */
  Error: z.string(),
  /** The message, or Lambda's JSON error document (`{"errorMessage": ...}`). */
  Cause: z.string().optional(),
});

/** Output of the promote step (and of the steps after it, which add to it). */
export const promotedRunSchema = z.object({
  repoId: repoIdSchema,
  runId: runIdSchema,
  result: syncResultSchema,
  /** Set by the index step. */
  index: indexOutcomeSchema.optional(),
  /** Set by a state machine whose index step's `Catch` goes on to notify with `ResultPath: "$.indexError"`. */
  indexError: stepErrorSchema.optional(),
});

/** Output of the notify step: the whole run, with whether the event went out. */
export const notifiedRunSchema = promotedRunSchema.extend({ notified: z.boolean() });

/**
 * Input of the record-failure step: the failed step's input plus `error`. Only the fields every step
 * input has are required, so it takes the input of any step.
 */
export const failedRunSchema = z.object({
  repoId: repoIdSchema,
  runId: runIdSchema,
  lockToken: z.string().min(1).optional(),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  previousTag: z.string().nullable().optional(),
  /** Present once promote succeeded: the sync itself is done, only what came after failed. */
  result: syncResultSchema.optional(),
  error: stepErrorSchema,
});

/** Output of the record-failure step. */
export const recordedFailureSchema = z.object({
  repoId: repoIdSchema,
  runId: runIdSchema,
  result: syncResultSchema,
});

/** Input of the fill-vectors step: the Map's results (`ResultPath: "$.results"`). */
export const fillVectorsInputSchema = z.object({
  results: z.array(z.looseObject({ index: indexOutcomeSchema.optional() })).default([]),
});

/** Output of the fill-vectors step. */
export const filledVectorsSchema = z.object({
  vectors: z.enum(['filled', 'skipped', 'failed']),
  error: z.string().optional(),
});

/** Check's input: one repository to sync. */
export type RepositoryToSync = z.output<typeof repositoryToSyncSchema>;
/** The list step's output. */
export type ListOutput = z.output<typeof listOutputSchema>;
/** Check's output. */
export type CheckOutput = z.output<typeof checkOutputSchema>;
/** A run with a new release to extract. */
export type ReleaseRun = z.output<typeof releaseRunSchema>;
/** A run that ended at the check. */
export type SettledRun = z.output<typeof settledRunSchema>;
/** Extract's output. */
export type ExtractedRun = z.output<typeof extractedRunSchema>;
/** What extract stored. */
export type ExtractedCounts = z.output<typeof extractedCountsSchema>;
/** Promote's output. */
export type PromotedRun = z.output<typeof promotedRunSchema>;
/** How indexing one repository went. */
export type IndexOutcome = z.output<typeof indexOutcomeSchema>;
/** Notify's output. */
export type NotifiedRun = z.output<typeof notifiedRunSchema>;
/** An error handed from one step to record-failure. */
export type StepError = z.output<typeof stepErrorSchema>;
/** Record-failure's input. */
export type FailedRun = z.output<typeof failedRunSchema>;
/** Record-failure's output. */
export type RecordedFailure = z.output<typeof recordedFailureSchema>;
/** Fill-vectors' output. */
export type FilledVectors = z.output<typeof filledVectorsSchema>;

function isRepoId(id: string): boolean {
  try {
    parseRepoId(id);
    return true;
  } catch {
    return false;
  }
}
