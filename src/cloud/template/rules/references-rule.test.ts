import { beforeAll, describe, expect, it } from 'vitest';
import { loadTestSpecification } from '../../../../test/support/spec-cache.ts';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { referencesRule } from './references-rule.ts';

let spec: ResourceSpecification;
beforeAll(async () => {
  spec = await loadTestSpecification();
});

function errors(text: string) {
  const report = validateTemplateText(text, spec, { rules: [referencesRule] });
  expect(report.warnings).toEqual([]);
  return report.errors.map((finding) => `${finding.path} :: ${finding.message}`);
}

const header = `
Parameters:
  Env: {Type: String}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
`;

describe('references rule', () => {
  it('accepts parameters, resources, pseudo parameters, attributes and Sub variables', () => {
    const text = `${header}
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub '\${Env}-\${AWS::Region}-\${Bucket}-\${Bucket.Arn}-\${!Literal}'
      Tags:
        - {Key: a, Value: !Ref Env}
        - {Key: b, Value: !GetAtt Bucket.Arn}
        - {Key: c, Value: !GetAtt [Bucket, RegionalDomainName]}
        - {Key: d, Value: {'Fn::GetAtt': 'Bucket.DomainName'}}
        - {Key: e, Value: !GetAtt [Bucket, !Ref Env]}
        - {Key: f, Value: !Sub ['\${Extra}', {Extra: !Ref AWS::StackName}]}
  Custom:
    Type: Custom::Thing
    Properties:
      ServiceToken: !GetAtt Custom.Anything
  Stack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: !GetAtt Stack.Outputs.Something
Outputs:
  Name:
    Value: !Sub ['\${Extra}', {Extra: !Ref Bucket}]
`;
    expect(errors(text)).toEqual([]);
  });

  it('reports unknown Ref targets with the closest name', () => {
    expect(errors(`${header}    Properties:\n      BucketName: !Ref Evn\n`)).toEqual([
      "Resources/Bucket/Properties/BucketName/Ref :: Ref to 'Evn' names no parameter, resource or pseudo parameter; did you mean 'Env'?",
    ]);
  });

  it('reports GetAtt on a missing resource, a parameter, or an attribute the type lacks', () => {
    const text = `${header}    Properties:
      Tags:
        - {Key: a, Value: !GetAtt Buckett.Arn}
        - {Key: b, Value: !GetAtt Env.Arn}
        - {Key: c, Value: !GetAtt Bucket.Arnn}
`;
    expect(errors(text)).toEqual([
      "Resources/Bucket/Properties/Tags/0/Value/Fn::GetAtt :: Fn::GetAtt names 'Buckett', which is not a resource; did you mean 'Bucket'?",
      "Resources/Bucket/Properties/Tags/1/Value/Fn::GetAtt :: Fn::GetAtt names 'Env', which is a parameter and has no attributes; use Ref Env instead.",
      "Resources/Bucket/Properties/Tags/2/Value/Fn::GetAtt :: Fn::GetAtt Bucket.Arnn: AWS::S3::Bucket has no attribute 'Arnn'; did you mean 'Arn'?",
    ]);
  });

  it('reports Sub variables that resolve to nothing, but not escapes', () => {
    const text = `${header}    Properties:
      BucketName: !Sub '\${Envv}-\${Bucket.Nope}-\${!NotAVariable}-\${Unknown}'
`;
    const found = errors(text);
    expect(found).toHaveLength(3);
    expect(found[0]).toBe(
      `Resources/Bucket/Properties/BucketName/Fn::Sub :: Fn::Sub variable \${Envv} names no parameter, resource, pseudo parameter or variable-map key; did you mean 'Env'?`,
    );
    expect(found[1]).toMatch(
      /variable \$\{Bucket.Nope\}: AWS::S3::Bucket has no attribute 'Nope'; use one of Arn, /,
    );
    expect(found[2]).toBe(
      `Resources/Bucket/Properties/BucketName/Fn::Sub :: Fn::Sub variable \${Unknown} names no parameter, resource, pseudo parameter or variable-map key; declare it, or write \${!Unknown} for a literal \${Unknown}.`,
    );
  });

  it('checks Refs in Sub variable maps and Conditions, where only parameters may be named', () => {
    const text = `${header}    Properties:
      BucketName: !Sub ['\${Name}', {Name: !Ref Missing}]
Conditions:
  Bad: !Equals [!Ref Bucket, x]
`;
    expect(errors(text)).toEqual([
      "Resources/Bucket/Properties/BucketName/Fn::Sub/1/Name/Ref :: Ref to 'Missing' names no parameter, resource or pseudo parameter; declare it under Parameters or Resources, or fix the name.",
      "Conditions/Bad/Fn::Equals/0/Ref :: 'Bucket' is a resource, but Conditions can only Ref parameters and pseudo parameters.",
    ]);
  });

  it('checks resource Metadata, which CloudFormation resolves, but not the top-level Metadata section', () => {
    const text = `${header}    Metadata:\n      Note: !Ref Whatever\nMetadata:\n  Other: !Ref Anything\n`;
    expect(errors(text)).toHaveLength(1);
    expect(errors(text)[0]).toMatch(/Whatever/);
  });

  it('accepts Fn::ForEach loop identifiers and the resources a loop makes', () => {
    const text = `
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Buckets:
    - Name
    - [Logs, Data]
    - Bucket\${Name}:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub 'my-\${Name}'
          Tags: [{Key: name, Value: !Ref Name}]
Outputs:
  LogsArn:
    Value: !GetAtt BucketLogs.Arn
  Wrong:
    Value: !GetAtt BucketLogs.Nope
`;
    const found = errors(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^Outputs\/Wrong\/Value\/Fn::GetAtt :: .*AWS::S3::Bucket has no attribute 'Nope'/,
    );
  });

  it('accepts what SAM makes from its resources, and skips attribute checks on them', () => {
    const text = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Function:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      CodeUri: .
Outputs:
  Role:
    Value: !GetAtt FunctionRole.Arn
  Arn:
    Value: !GetAtt Function.Arn
  Api:
    Value: !Ref ServerlessRestApi
`;
    expect(errors(text)).toEqual([]);
  });

  it('accepts the resources a module makes, and checks Rules like Conditions', () => {
    const text = `
Parameters:
  Env: {Type: String}
Rules:
  ProdOnly:
    Assertions:
      - Assert: !Equals [!Ref Env, prod]
      - Assert: !Equals [!Ref Network, x]
Resources:
  Network:
    Type: My::Network::MODULE
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties: {VpcId: !Ref NetworkVPC}
`;
    expect(errors(text)).toEqual([
      "Rules/ProdOnly/Assertions/1/Assert/Fn::Equals/0/Ref :: 'Network' is a resource, but Rules can only Ref parameters and pseudo parameters.",
    ]);
  });

  it('skips values of the wrong shape', () => {
    const text = `${header}    Properties:
      A: !Ref [not, a, name]
      B: {'Fn::GetAtt': 42}
      C: {'Fn::Sub': [42]}
`;
    expect(errors(text)).toEqual([]);
  });
});
