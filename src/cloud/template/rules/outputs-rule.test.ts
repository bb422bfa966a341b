import { describe, expect, it } from 'vitest';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { outputsRule } from './outputs-rule.ts';

const spec: ResourceSpecification = { resourceType: () => undefined, resourceTypeNames: () => [] };

function errors(text: string) {
  const report = validateTemplateText(text, spec, { rules: [outputsRule] });
  expect(report.warnings).toEqual([]);
  return report.errors.map((finding) => `${finding.path} :: ${finding.message}`);
}

describe('outputs rule', () => {
  it('accepts outputs with values, alphanumeric names and distinct export names', () => {
    const text = `
Resources:
  Bucket: {Type: AWS::S3::Bucket}
Outputs:
  BucketName:
    Value: !Ref Bucket
    Export: {Name: !Sub '\${AWS::StackName}-BucketName'}
  BucketArn:
    Value: !GetAtt Bucket.Arn
    Export: {Name: !Sub '\${AWS::StackName}-BucketArn'}
  Plain:
    Value: x
    Export: {Name: plain-export}
`;
    expect(errors(text)).toEqual([]);
  });

  it('reports a missing Value, a name that is not alphanumeric and a repeated export name', () => {
    const text = `
Outputs:
  Bucket-Name:
    Value: a
  NoValue:
    Description: forgot it
  EmptyValue:
    Value:
  First:
    Value: a
    Export: {Name: !Sub '\${AWS::StackName}-Name'}
  Second:
    Value: b
    Export: {Name: !Sub '\${AWS::StackName}-Name'}
`;
    expect(errors(text)).toEqual([
      "Outputs/Bucket-Name :: Output name 'Bucket-Name' must be alphanumeric (A-Z, a-z, 0-9); write 'BucketName' instead.",
      "Outputs/NoValue :: Output 'NoValue' has no Value; add Value with what the output returns.",
      "Outputs/EmptyValue :: Output 'EmptyValue' has no Value; add Value with what the output returns.",
      "Outputs/Second/Export/Name :: Output 'Second' exports the same name as output 'First'; export names must be unique, so rename one.",
    ]);
  });

  it('reports more than 200 outputs', () => {
    const outputs = Array.from({ length: 201 }, (_, index) => `  Output${index}: {Value: v}`).join('\n');
    expect(errors(`Outputs:\n${outputs}\n`)).toEqual([
      "Outputs :: The template declares 201 outputs, more than CloudFormation's 200; drop some or move them to a nested stack.",
    ]);
  });

  it('skips Fn::ForEach loops and values of the wrong shape', () => {
    const text = `
Transform: AWS::LanguageExtensions
Outputs:
  Fn::ForEach::Arns:
    - Name
    - [A, B]
    - \${Name}Arn: {Value: !Ref Name}
  Odd: just-a-string
  Computed:
    Value: a
    Export: {Name: !Join ['-', [a, b]]}
  Again:
    Value: b
    Export: {Name: !Join ['-', [a, b]]}
`;
    expect(errors(text)).toEqual([]);
  });
});
