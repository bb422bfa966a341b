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
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 198.51.0.0/16}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 172.16.0.0/12}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIpv6: '2001:db8::/32'}
        - {IpProtocol: '-1', CidrIpv6: 'fd00::/8'}
        - {IpProtocol: udp, FromPort: 1000, ToPort: 65535, CidrIp: 0.0.0.0/0}
        - {IpProtocol: udp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
        - {IpProtocol: icmp, FromPort: -1, ToPort: -1, CidrIp: 0.0.0.0/0}`);
    expect(findings(text)).toEqual([]);
  });

  it('reports every port open as an error and SSH or RDP open as warnings', () => {
    const text = group(`
        - {IpProtocol: '-1', CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: '22', ToPort: '22', CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 20, ToPort: 3389, CidrIpv6: '::/0'}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref SshLocation}`);
    const report = validateTemplateText(text, spec, { rules: [securityGroupOpenAdminPortsRule] });
    expect(report.errors.map((finding) => finding.path)).toEqual([
      'Resources/Group/Properties/SecurityGroupIngress/0/CidrIp',
    ]);
    expect(report.warnings.map((finding) => finding.message)).toEqual([
      'This ingress rule opens SSH (port 22) to 0.0.0.0/0; allow only the addresses that need it (a narrower CidrIp or a SourcePrefixListId), or use SSM Session Manager instead of an open port.',
      'This ingress rule opens SSH (port 22), Telnet (port 23) and RDP (port 3389) to ::/0; allow only the addresses that need it (a narrower CidrIp or a SourcePrefixListId), or use SSM Session Manager instead of an open port.',
      "This ingress rule opens SSH (port 22) to 0.0.0.0/0 (the Default of parameter 'SshLocation', which whoever deploys may keep); allow only the addresses that need it (a narrower CidrIp or a SourcePrefixListId), or use SSM Session Manager instead of an open port.",
    ]);
  });

  it('reports a full TCP or UDP port range from the internet as an error, like IpProtocol -1', () => {
    const text = group(`
        - {IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIp: 0.0.0.0/0}
        - {IpProtocol: udp, FromPort: 0, ToPort: 65535, CidrIpv6: '::/0'}
        - {IpProtocol: '6', FromPort: 1, ToPort: 65535, CidrIp: 0.0.0.0/0}`);
    const report = validateTemplateText(text, spec, { rules: [securityGroupOpenAdminPortsRule] });
    expect(report.warnings).toEqual([]);
    expect(report.errors.map((finding) => finding.message.replace(/; allow only .*/, ''))).toEqual([
      'This ingress rule opens every TCP port (0-65535) to 0.0.0.0/0',
      'This ingress rule opens every UDP port (0-65535) to ::/0',
      'This ingress rule opens every TCP port (1-65535) to 0.0.0.0/0',
    ]);
  });

  it('recognises the internet however the range is written, and ranges wider than /16 or /32', () => {
    const text = group(`
        - {IpProtocol: '-1', CidrIpv6: '0::/0'}
        - {IpProtocol: '-1', CidrIpv6: '0:0:0:0:0:0:0:0/0'}
        - {IpProtocol: '-1', CidrIp: 0.0.0.0/1}
        - {IpProtocol: '-1', CidrIp: 128.0.0.0/1}
        - {IpProtocol: '-1', CidrIpv6: '::ffff:0:0/96'}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 8.8.0.0/15}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIpv6: '2000::/3'}`);
    const report = validateTemplateText(text, spec, { rules: [securityGroupOpenAdminPortsRule] });
    const messages = [...report.errors, ...report.warnings].map(
      (finding) => `${finding.severity} ${finding.message.replace(/; allow only .*/, '')}`,
    );
    expect(messages).toEqual([
      'error This ingress rule opens every port to 0::/0 (that is ::/0)',
      'error This ingress rule opens every port to 0:0:0:0:0:0:0:0/0 (that is ::/0)',
      'error This ingress rule opens every port to 0.0.0.0/1 (a /1 range; any public range shorter than /16 counts as the internet)',
      'error This ingress rule opens every port to 128.0.0.0/1 (a /1 range; any public range shorter than /16 counts as the internet)',
      'error This ingress rule opens every port to ::ffff:0:0/96 (that is 0.0.0.0/0)',
      'warning This ingress rule opens SSH (port 22) to 8.8.0.0/15 (a /15 range; any public range shorter than /16 counts as the internet)',
      'warning This ingress rule opens SSH (port 22) to 2000::/3 (a /3 range; any public range shorter than /32 counts as the internet)',
    ]);
  });

  it('warns about telnet, VNC and WinRM open to the internet', () => {
    const text = group(`
        - {IpProtocol: tcp, FromPort: 23, ToPort: 23, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 5900, ToPort: 5900, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 5985, ToPort: 5986, CidrIp: 0.0.0.0/0}`);
    const report = validateTemplateText(text, spec, { rules: [securityGroupOpenAdminPortsRule] });
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((finding) => finding.message.replace(/; allow only .*/, ''))).toEqual([
      'This ingress rule opens Telnet (port 23) to 0.0.0.0/0',
      'This ingress rule opens VNC (port 5900) to 0.0.0.0/0',
      'This ingress rule opens WinRM (port 5985) and WinRM over HTTPS (port 5986) to 0.0.0.0/0',
    ]);
  });

  it('checks both branches of Fn::If, around one entry or the whole list', () => {
    const entry = `
Conditions:
  Open: !Equals [a, b]
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: test
      SecurityGroupIngress:
        - !If [Open, {IpProtocol: '-1', CidrIp: 0.0.0.0/0}, !Ref 'AWS::NoValue']
  ListGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: test
      SecurityGroupIngress: !If
        - Open
        - [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]
        - [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]
`;
    expect(findings(entry)).toEqual([
      'error Resources/Group/Properties/SecurityGroupIngress/0/Fn::If/1/CidrIp',
      'warning Resources/ListGroup/Properties/SecurityGroupIngress/Fn::If/2/0/CidrIp',
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
