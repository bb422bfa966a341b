import { describe, expect, it } from 'vitest';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { securityGroupOpenAdminPortsRule } from './security-group-open-admin-ports-rule.ts';

const spec: ResourceSpecification = { resourceType: () => undefined, resourceTypeNames: () => [] };

function findings(text: string) {
  const report = validateTemplateText(text, spec, { rules: [securityGroupOpenAdminPortsRule] });
  return [...report.errors, ...report.warnings].map((finding) => `${finding.severity} ${finding.path}`);
}

function group(rules: string, extra = ''): string {
  return `
Parameters:
  SshLocation: {Type: String, Default: 0.0.0.0/0}
  OfficeLocation: {Type: String, Default: 203.0.113.0/24}
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: test
      SecurityGroupIngress:
${rules}
  Instance:
    Type: AWS::EC2::Instance
    Properties: {SecurityGroupIds: [!Ref Group]}
${extra}`;
}

describe('security-group-open-admin-ports rule', () => {
  it('accepts web ports from anywhere and admin ports from narrow ranges', () => {
    const text = group(`
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIpv6: '::/0'}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref OfficeLocation}
        - {IpProtocol: udp, FromPort: 0, ToPort: 65535, CidrIp: 0.0.0.0/0}
        - {IpProtocol: icmp, FromPort: -1, ToPort: -1, CidrIp: 0.0.0.0/0}`);
    expect(findings(text)).toEqual([]);
  });

  it('reports every port open as an error and SSH or RDP open as warnings', () => {
    const text = group(`
        - {IpProtocol: '-1', CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: '22', ToPort: '22', CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIpv6: '::/0'}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref SshLocation}`);
    const report = validateTemplateText(text, spec, { rules: [securityGroupOpenAdminPortsRule] });
    expect(report.errors.map((finding) => finding.path)).toEqual([
      'Resources/Group/Properties/SecurityGroupIngress/0/CidrIp',
    ]);
    expect(report.warnings.map((finding) => finding.message)).toEqual([
      'This ingress rule opens SSH (port 22) to 0.0.0.0/0; allow only the addresses that need it (a narrower CidrIp or a SourcePrefixListId), or use SSM Session Manager instead of an open port.',
      'This ingress rule opens SSH (port 22) and RDP (port 3389) to ::/0; allow only the addresses that need it (a narrower CidrIp or a SourcePrefixListId), or use SSM Session Manager instead of an open port.',
      "This ingress rule opens SSH (port 22) to 0.0.0.0/0 (the Default of parameter 'SshLocation', which whoever deploys may keep); allow only the addresses that need it (a narrower CidrIp or a SourcePrefixListId), or use SSM Session Manager instead of an open port.",
    ]);
  });

  it('checks separate ingress resources too', () => {
    const text = group(
      '        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}',
      `  Rdp:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !GetAtt Group.GroupId, IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0}
`,
    );
    expect(findings(text)).toEqual(['warning Resources/Rdp/Properties/CidrIp']);
  });

  it('skips groups that only load balancers use', () => {
    const text = `
Resources:
  LoadBalancerGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: public load balancer
      SecurityGroupIngress: [{IpProtocol: '-1', CidrIp: 0.0.0.0/0}]
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {SecurityGroups: [!Ref LoadBalancerGroup]}
  AppGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupIngress: [{IpProtocol: '-1', SourceSecurityGroupId: !Ref LoadBalancerGroup}]
`;
    expect(findings(text)).toEqual([]);
  });

  it('skips values of the wrong shape', () => {
    const text = group(`
        - just-a-string
        - {IpProtocol: tcp, FromPort: !Ref Port, ToPort: 22, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Missing}`);
    expect(findings(text)).toEqual([]);
  });
});
