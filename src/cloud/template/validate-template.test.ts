import { beforeAll, describe, expect, it } from 'vitest';
import { loadTestSpecification } from '../../../test/support/spec-cache.ts';
import type { ResourceSpecification } from './resource-specification.ts';
import { propertyTypesRule } from './rules/property-types-rule.ts';
import { rainDirectiveRule } from './rules/rain-directive-rule.ts';
import { resourcePropertiesRule } from './rules/resource-properties-rule.ts';
import { resourceTypeRule } from './rules/resource-type-rule.ts';
import { templateStructureRule } from './rules/template-structure-rule.ts';
import type { TemplateRule } from './template-rule.ts';
import { validateTemplateText } from './validate-template.ts';

let spec: ResourceSpecification;
beforeAll(async () => {
  spec = await loadTestSpecification();
}, 30_000);

function findings(text: string, rule: TemplateRule) {
  const report = validateTemplateText(text, spec, { rules: [rule] });
  return [...report.errors, ...report.warnings].map(({ severity, path, message, line }) => ({
    severity,
    path,
    message,
    line,
  }));
}

const bucket = (properties: string) =>
  `Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n${properties}`;

describe('template-structure', () => {
  it('accepts a minimal template', () => {
    expect(findings('Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n', templateStructureRule)).toEqual([]);
  });

  it('reports unknown sections, a bad version, resource attributes and policies with lines', () => {
    const text = [
      "AWSTemplateFormatVersion: '2012-01-01'",
      'Resource: {}',
      'Resources:',
      '  Bad-Id:',
      '    Type: AWS::SNS::Topic',
      '    Propertes: {}',
      '    DeletionPolicy: Keep',
      '',
    ].join('\n');
    const found = findings(text, templateStructureRule);
    expect(found.map((finding) => [finding.path, finding.line])).toEqual([
      ['AWSTemplateFormatVersion', 1],
      ['Resource', 2],
      ['Resources/Bad-Id', 4],
      ['Resources/Bad-Id/Propertes', 6],
      ['Resources/Bad-Id/DeletionPolicy', 7],
    ]);
    expect(found.every((finding) => finding.severity === 'error')).toBe(true);
  });

  it('says a file without template sections is not a template', () => {
    expect(findings('{"RequestType": "Create"}', templateStructureRule)[0]?.message).toMatch(
      /not a CloudFormation template/,
    );
  });

  it('checks parameter types and defaults against allowed values', () => {
    const text = `Parameters:\n  Size:\n    Type: Strin\n  Env:\n    Type: String\n    Default: qa\n    AllowedValues: [dev, prod]\n${bucket('      {}\n')}`;
    expect(findings(text, templateStructureRule).map((finding) => finding.path)).toEqual([
      'Parameters/Size/Type',
      'Parameters/Env/Default',
    ]);
  });
});

describe('resource-type', () => {
  it('accepts real, custom and transform types, and suggests for a wrong one', () => {
    const text = [
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Function: {Type: AWS::Serverless::Function}',
      '  Custom: {Type: Custom::Thing}',
      '  Wrong: {Type: AWS::S3::bucket}',
      '  Private: {Type: Acme::Widgets::Widget}',
    ].join('\n');
    const found = findings(text, resourceTypeRule);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ severity: 'error', path: 'Resources/Wrong/Type' });
    expect(found[0]?.message).toMatch(/did you mean AWS::S3::Bucket/);
    expect(found[1]).toMatchObject({ severity: 'warning', path: 'Resources/Private/Type' });
  });

  it('asks for the serverless transform when a SAM type is used without it', () => {
    const found = findings('Resources:\n  Function: {Type: AWS::Serverless::Function}\n', resourceTypeRule);
    expect(found[0]?.message).toMatch(/Transform: AWS::Serverless-2016-10-31/);
  });

  it('turns errors into warnings when a macro rewrites the template', () => {
    const report = validateTemplateText(
      'Transform: Count\nResources:\n  A: {Type: AWS::S3::Buckett}\n',
      spec,
      {
        rules: [resourceTypeRule],
      },
    );
    expect(report.errors).toEqual([]);
    expect(report.warnings[0]?.message).toMatch(/macro Count/);
  });
});

describe('resource-properties and property-types', () => {
  it('reports unknown and missing properties, in nested types too', () => {
    const text = `${bucket('      BucketNam: x\n      VersioningConfiguration: {}\n')}`;
    const found = findings(text, resourcePropertiesRule);
    expect(found.map((finding) => finding.path)).toEqual([
      'Resources/Bucket/Properties/BucketNam',
      'Resources/Bucket/Properties/VersioningConfiguration',
    ]);
    expect(found[1]?.message).toMatch(/Required property Status/);
  });

  it('checks primitive, list and mapping types but not values computed by functions', () => {
    const text = [
      'Resources:',
      '  Queue:',
      '    Type: AWS::SQS::Queue',
      '    Properties:',
      '      DelaySeconds: soon',
      '      FifoQueue: "true"',
      '      Tags: {Key: a, Value: b}',
      '      VisibilityTimeout: !Ref AWS::NoValue',
      '      MessageRetentionPeriod: "345600"',
      '      ReceiveMessageWaitTimeSeconds: !If [Cond, 20, [1]]',
      '',
    ].join('\n');
    const found = findings(text, propertyTypesRule);
    expect(found.map((finding) => [finding.path, finding.message])).toEqual([
      ['Resources/Queue/Properties/DelaySeconds', 'Expected an integer, found the string "soon".'],
      ['Resources/Queue/Properties/Tags', 'Expected a list, found a mapping.'],
      [
        'Resources/Queue/Properties/ReceiveMessageWaitTimeSeconds/Fn::If/2',
        'Expected an integer, found a list.',
      ],
    ]);
  });
});

describe('rain-directive', () => {
  it('warns that rain must expand the directive', () => {
    const found = findings('Resources:\n  A:\n    Type: !Rain::Module ./bucket.yml\n', rainDirectiveRule);
    expect(found).toEqual([expect.objectContaining({ severity: 'warning', line: 3 })]);
  });
});

describe('leniency for templates that a pre-processor rewrites', () => {
  const broken = 'Resources:\n  A: {Type: AWS::S3::Buckett}\n';

  it('is not triggered by the word Rain:: in a string, only by a directive', () => {
    const report = validateTemplateText(`Description: "Rain:: notes"\n${broken}`, spec);
    expect(report.errors.map((finding) => finding.rule)).toContain('resource-type');
  });

  it('is refused in strict mode, where the macro itself is an error', () => {
    const report = validateTemplateText(`Transform: MyMacro\n${broken}`, spec, { strict: true });
    expect(report.errors.map((finding) => finding.rule)).toEqual(['template-structure']);
    expect(report.errors[0]?.message).toMatch(/the macro MyMacro rewrites this template/);
  });
});

describe('validateTemplateText limits', () => {
  it('refuses text over 1 MB before parsing it', () => {
    const report = validateTemplateText(`Description: ${'x'.repeat(1_000_001)}\n`, spec);
    expect(report.errors).toEqual([expect.objectContaining({ rule: 'template-size' })]);
  });
});
