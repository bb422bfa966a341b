import { describe, expect, it } from 'vitest';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { conditionsAndMappingsRule } from './conditions-and-mappings-rule.ts';

const spec: ResourceSpecification = { resourceType: () => undefined, resourceTypeNames: () => [] };

function findings(text: string) {
  const report = validateTemplateText(text, spec, { rules: [conditionsAndMappingsRule] });
  return [...report.errors, ...report.warnings].map(
    (finding) => `${finding.severity} ${finding.path} :: ${finding.message}`,
  );
}

const sections = `
Parameters:
  Env: {Type: String}
Mappings:
  RegionMap:
    us-east-1: {Ami: ami-1}
    eu-west-1: {Ami: ami-2}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsProdInUs: !And [!Condition IsProd, !Equals [!Ref 'AWS::Region', us-east-1]]
`;

describe('conditions-and-mappings rule', () => {
  it('accepts conditions and mappings that exist and are used', () => {
    const text = `${sections}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProdInUs
    Properties:
      BucketName: !If [IsProd, !FindInMap [RegionMap, !Ref 'AWS::Region', Ami], !FindInMap [RegionMap, us-east-1, Ami]]
`;
    expect(findings(text)).toEqual([]);
  });

  it('reports conditions that are not declared', () => {
    const text = `${sections}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProdd
    Properties:
      BucketName: !If [Missing, a, !FindInMap [RegionMap, us-east-1, Ami]]
Outputs:
  Out:
    Condition: IsProdInUs
    Value: !If [IsProd, a, b]
`;
    expect(findings(text)).toEqual([
      "error Resources/Bucket/Condition :: The condition 'IsProdd' (named by the Condition attribute) is not declared under Conditions; did you mean 'IsProd'?",
      "error Resources/Bucket/Properties/BucketName/Fn::If :: The condition 'Missing' (named by Fn::If) is not declared under Conditions; declare it under Conditions or fix the name.",
    ]);
  });

  it('reports missing mappings and keys, the second-level key as a warning', () => {
    const text = `${sections}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProdInUs
    Properties:
      Tags:
        - {Key: a, Value: !FindInMap [RegionMapp, us-east-1, Ami]}
        - {Key: b, Value: !FindInMap [RegionMap, us-west-2, Ami]}
        - {Key: c, Value: !FindInMap [RegionMap, us-east-1, Amy]}
        - {Key: d, Value: !FindInMap [RegionMap, !Ref 'AWS::Region', Image]}
        - {Key: e, Value: !FindInMap [RegionMap, us-west-2, Ami, {DefaultValue: ami-0}]}
        - {Key: f, Value: !FindInMap [RegionMap, !Ref Env, !Ref Env]}
        - {Key: g, Value: !If [IsProd, a, b]}
`;
    expect(findings(text)).toEqual([
      "error Resources/Bucket/Properties/Tags/0/Value/Fn::FindInMap :: Fn::FindInMap names mapping 'RegionMapp', which is not declared; did you mean 'RegionMap'?",
      "error Resources/Bucket/Properties/Tags/1/Value/Fn::FindInMap :: Mapping 'RegionMap' has no top-level key 'us-west-2'; use one of its keys or add 'us-west-2'.",
      "warning Resources/Bucket/Properties/Tags/2/Value/Fn::FindInMap :: Mapping 'RegionMap' has no key 'Amy' under 'us-east-1'; did you mean 'Ami'?",
      "warning Resources/Bucket/Properties/Tags/3/Value/Fn::FindInMap :: No entry of mapping 'RegionMap' has the key 'Image'; check the name.",
    ]);
  });

  it('does not take names every object inherits for mapping keys', () => {
    const text = `${sections}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProdInUs
    Properties:
      Tags:
        - {Key: a, Value: !FindInMap [RegionMap, __proto__, toString]}
        - {Key: b, Value: !FindInMap [RegionMap, toString, Ami]}
        - {Key: c, Value: !FindInMap [RegionMap, us-east-1, constructor]}
        - {Key: d, Value: !FindInMap [RegionMap, !Ref 'AWS::Region', hasOwnProperty]}
        - {Key: e, Value: !If [IsProd, a, b]}
`;
    expect(findings(text)).toEqual([
      "error Resources/Bucket/Properties/Tags/0/Value/Fn::FindInMap :: Mapping 'RegionMap' has no top-level key '__proto__'; use one of its keys or add '__proto__'.",
      "error Resources/Bucket/Properties/Tags/1/Value/Fn::FindInMap :: Mapping 'RegionMap' has no top-level key 'toString'; use one of its keys or add 'toString'.",
      "warning Resources/Bucket/Properties/Tags/2/Value/Fn::FindInMap :: Mapping 'RegionMap' has no key 'constructor' under 'us-east-1'; add it, or give Fn::FindInMap a DefaultValue.",
      "warning Resources/Bucket/Properties/Tags/3/Value/Fn::FindInMap :: No entry of mapping 'RegionMap' has the key 'hasOwnProperty'; check the name.",
    ]);
  });

  it('finds a mapping key named __proto__ that the template declares', () => {
    const text = `
Mappings:
  Odd:
    __proto__: {constructor: value}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !FindInMap [Odd, __proto__, constructor]
`;
    expect(findings(text)).toEqual([]);
  });

  it('reports conditions that depend on each other in a cycle', () => {
    const text = `
Conditions:
  A: !And [!Condition B, !Equals [a, a]]
  B: !Or [!Condition C, !Equals [a, b]]
  C: !Not [!Condition A]
  Self: !Not [!Condition Self]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: A
`;
    expect(findings(text).filter((line) => line.startsWith('error'))).toEqual([
      'error Conditions/A :: Conditions depend on each other in a cycle (A → B → C → A), which CloudFormation cannot evaluate; rewrite one of them without the Condition function.',
      'error Conditions/Self :: Conditions depend on each other in a cycle (Self → Self), which CloudFormation cannot evaluate; rewrite one of them without the Condition function.',
    ]);
  });

  it('warns about unused parameters, mappings and conditions', () => {
    const text = `
Parameters:
  Env: {Type: String}
  Unused: {Type: String}
Mappings:
  RegionMap:
    us-east-1: {Ami: ami-1}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
`;
    expect(findings(text)).toEqual([
      "warning Parameters/Unused :: Parameter 'Unused' is never used; remove it or Ref it where it applies.",
      "warning Mappings/RegionMap :: Mapping 'RegionMap' is never used; remove it or look it up with Fn::FindInMap.",
      "warning Conditions/IsProd :: Condition 'IsProd' is never used; remove it or use it in a Condition or Fn::If.",
    ]);
  });

  it('does not look for unused entries when a macro may use them', () => {
    const text = `
Transform: MyMacro
Parameters:
  Env: {Type: String}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
`;
    expect(findings(text)).toEqual([]);
  });

  it('counts uses in Sub strings and resource Metadata, and not in the interface metadata', () => {
    const text = `
Metadata:
  AWS::CloudFormation::Interface:
    ParameterGroups: [{Parameters: [Env, Size]}]
Parameters:
  Env: {Type: String}
  Size: {Type: String}
Resources:
  Instance:
    Type: AWS::EC2::Instance
    Metadata:
      AWS::CloudFormation::Init:
        config:
          files: {/etc/size: {content: !Ref Size}}
    Properties:
      ImageId: !Sub 'ami-\${Env}'
`;
    expect(findings(text)).toEqual([]);
  });

  it('skips values of the wrong shape', () => {
    const text = `
Conditions:
  Odd: [not, a, condition]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: [Odd]
    Properties:
      A: !If [[Odd], a, b]
      B: {'Fn::FindInMap': 'RegionMap'}
      C: !FindInMap [[RegionMap], a, b]
`;
    expect(findings(text)).toEqual([
      "warning Conditions/Odd :: Condition 'Odd' is never used; remove it or use it in a Condition or Fn::If.",
    ]);
  });
});
