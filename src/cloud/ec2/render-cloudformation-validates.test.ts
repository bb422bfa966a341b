import { beforeAll, describe, expect, it } from 'vitest';
import { loadTestSpecification } from '../../../test/support/spec-cache.ts';
import type { ResourceSpecification } from '../template/resource-specification.ts';
import { validateTemplateText } from '../template/validate-template.ts';
import { catalogSettings, minecraftAnswer } from './ec2-plan.test-support.ts';
import { checkGuardRails } from './guard-rails.ts';
import type { DraftPlan } from './launch-plan-schema.ts';
import { launchRequestFor } from './launch-request.ts';
import { renderCloudFormation } from './render-cloudformation.ts';

let spec: ResourceSpecification;
beforeAll(async () => {
  spec = await loadTestSpecification();
}, 30_000);

function snippetFor(overrides: Partial<DraftPlan>): string {
  const request = 'a server from ami-0123456789abcdef0';
  const outcome = checkGuardRails(minecraftAnswer(overrides), catalogSettings({ request }));
  if (!('plan' in outcome)) throw new Error(JSON.stringify(outcome.violations));
  return renderCloudFormation(
    launchRequestFor(outcome.plan, new Date('2026-11-22T10:00:00Z')),
    outcome.plan.image.ssmParameter,
  );
}

describe('the EC2 CloudFormation snippet', () => {
  it('passes Quarry’s own validator without errors', () => {
    const report = validateTemplateText(snippetFor({}), spec);
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((warning) => warning.rule)).not.toContain('encryption-at-rest');
  });

  it('passes with an explicit AMI, no ingress rules and termination protection on', () => {
    const report = validateTemplateText(
      snippetFor({ image: 'ami-0123456789abcdef0', ingressRules: [], terminationProtection: true }),
      spec,
    );
    expect(report.errors).toEqual([]);
  });
});
