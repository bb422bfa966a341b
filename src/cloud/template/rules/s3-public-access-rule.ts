import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { isMapping, type TemplateMapping } from '../template-view.ts';
import { policyDocuments } from './iam-wildcard-documents.ts';
import {
  hasNarrowingCondition,
  isAllow,
  isEveryone,
  literalStrings,
  policyStatements,
} from './iam-wildcard-statements.ts';

const publicBlockFlags = [
  'BlockPublicAcls',
  'BlockPublicPolicy',
  'IgnorePublicAcls',
  'RestrictPublicBuckets',
];

/**
 * Buckets anyone may read or write. Anyone-may-write is an error (`AccessControl: PublicReadWrite`, or a
 * bucket policy allowing `*` an action other than Get/List without a Condition that limits who; one that
 * only requires TLS, `aws:SecureTransport`, does not): strangers can fill, replace or delete the data, and
 * nobody needs that. Anyone-may-read is a warning (`PublicRead`, `AuthenticatedRead`, which means any AWS
 * account, a read-only public policy, or Block Public Access switched off): static websites need it, but
 * it deserves a second look; CloudFront with an origin access control usually serves such a site better.
 */
export const s3PublicAccessRule: TemplateRule = {
  name: 's3-public-access',
  summary: 'S3 buckets are not public through ACLs, disabled Block Public Access, or bucket policies.',
  *check({ template }) {
    for (const [name, resource] of template.resources) {
      if (resource.Type !== 'AWS::S3::Bucket' || !isMapping(resource.Properties)) continue;
      yield* checkBucket(resource.Properties, ['Resources', name, 'Properties']);
    }
    for (const document of policyDocuments(template)) {
      if (
        document.path[1] === undefined ||
        template.resources.get(String(document.path[1]))?.Type !== 'AWS::S3::BucketPolicy'
      )
        continue;
      for (const { statement, path } of policyStatements(document.document, document.path)) {
        const finding = publicStatement(statement, path);
        if (finding) yield finding;
      }
    }
  },
};

function* checkBucket(properties: TemplateMapping, path: TemplatePathSegment[]): Generator<RuleFinding> {
  const acl = properties.AccessControl;
  if (acl === 'PublicReadWrite') {
    yield {
      severity: 'error',
      message:
        'AccessControl PublicReadWrite lets anyone on the internet write to and delete from this bucket; remove it (Private is the default).',
      path: [...path, 'AccessControl'],
    };
  } else if (acl === 'PublicRead' || acl === 'AuthenticatedRead') {
    const who = acl === 'PublicRead' ? 'anyone on the internet' : 'anyone with an AWS account';
    yield {
      severity: 'warning',
      message: `AccessControl ${acl} lets ${who} list and read this bucket; remove it unless the bucket is meant to be public, and prefer CloudFront with an origin access control for websites.`,
      path: [...path, 'AccessControl'],
    };
  }
  const block = properties.PublicAccessBlockConfiguration;
  if (!isMapping(block)) return;
  const off = publicBlockFlags.filter((flag) => block[flag] === false || block[flag] === 'false');
  if (off.length === 0) return;
  yield {
    severity: 'warning',
    message: `PublicAccessBlockConfiguration turns off ${off.join(', ')}, so ACLs or policies can make this bucket public; set them to true unless it is meant to be public.`,
    path: [...path, 'PublicAccessBlockConfiguration'],
  };
}

/**
 * An Allow to everyone (`*`, `{AWS: '*'}`) without a Condition that limits who: a Condition that only asks
 * for TLS (`aws:SecureTransport`) still lets everyone in, over an encrypted connection.
 */
function publicStatement(
  statement: TemplateMapping,
  path: readonly TemplatePathSegment[],
): RuleFinding | undefined {
  if (!isAllow(statement) || hasNarrowingCondition(statement) || !isEveryone(statement.Principal))
    return undefined;
  const actions = literalStrings(statement.Action);
  if (actions?.every((action) => /^s3:(Get|List)/i.test(action))) {
    return {
      severity: 'warning',
      message: `This bucket policy statement lets anyone on the internet ${actions.join(', ')}; add a Condition (aws:SourceVpce, aws:PrincipalOrgID …) or serve the content through CloudFront unless it is meant to be public.`,
      path: [...path, 'Principal'],
    };
  }
  return {
    severity: actions === undefined ? 'warning' : 'error',
    message: `This bucket policy statement lets anyone on the internet ${actions?.join(', ') ?? 'perform computed actions'} on the bucket; name the principals that need it, or add a Condition that narrows it.`,
    path: [...path, 'Principal'],
  };
}
