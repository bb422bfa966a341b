import { describe, expect, it } from 'vitest';
import { catalogSettings, minecraftAnswer } from './ec2-plan.test-support.ts';
import { checkGuardRails } from './guard-rails.ts';
import { instanceCatalog } from './instance-catalog.ts';
import { instanceChoices, refreshCatalog } from './instance-choices.ts';
import type { DraftPlan } from './launch-plan-schema.ts';

function violationsOf(overrides: Partial<DraftPlan>, settings = catalogSettings()) {
  return checkGuardRails(minecraftAnswer(overrides), settings).violations;
}

function onlyViolation(overrides: Partial<DraftPlan>, settings = catalogSettings()) {
  const violations = violationsOf(overrides, settings);
  expect(violations).toHaveLength(1);
  return violations[0];
}

const sshFromWorld = { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', description: 'SSH' };

describe('checkGuardRails', () => {
  it('passes the Minecraft plan and resolves its image', () => {
    const outcome = checkGuardRails(minecraftAnswer(), catalogSettings());
    expect(outcome.violations).toEqual([]);
    if (!('plan' in outcome)) throw new Error('expected a plan');
    expect(outcome.plan).toMatchObject({
      instanceType: { name: 't3.medium', vcpus: 2, memoryGiB: 4 },
      image: {
        specifier: 'al2023-x86_64',
        imageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        rootDeviceName: '/dev/xvda',
      },
      rootVolume: { sizeGiB: 250, volumeType: 'gp3' },
      terminationProtection: false,
    });
    expect(outcome.plan.keyPairName).toBeUndefined();
  });

  it('refuses a type outside the catalog, naming the nearest allowed ones', () => {
    expect(onlyViolation({ instanceType: 't2.medium' })).toMatchObject({
      rule: 'instance-type',
      message: expect.stringMatching(
        /^The instance type t2\.medium is not in Quarry's instance catalog; nearest allowed: t4g\.medium \(2 vCPU, 4 GiB, arm64\), t3a\.medium/,
      ),
    });
  });

  it('refuses a type outside --allow-types, and one the region does not offer', () => {
    const allowTypes = catalogSettings({
      choices: instanceChoices(instanceCatalog, ['t3.micro', 't3.small']),
    });
    expect(onlyViolation({ instanceType: 't3.medium' }, allowTypes)?.message).toBe(
      'The instance type t3.medium is not allowed by --allow-types; nearest allowed: t3.small (2 vCPU, 2 GiB, x86_64), t3.micro (2 vCPU, 1 GiB, x86_64).',
    );
    const region = refreshCatalog(instanceCatalog, [
      { instanceType: 't3.large', vcpus: 2, memoryGiB: 8, architectures: ['x86_64'] },
    ]);
    const offered = catalogSettings({ choices: instanceChoices(region, undefined), region: 'eu-south-2' });
    expect(onlyViolation({}, offered)?.message).toMatch(
      /t3\.medium is not offered in eu-south-2; nearest allowed: t3\.large/,
    );
  });

  it('refuses an arm64 image on an x86_64 type, naming the matching image and types', () => {
    expect(onlyViolation({ image: 'al2023-arm64' })).toMatchObject({
      rule: 'architecture',
      message:
        'The image al2023-arm64 is built for arm64, but t3.medium is x86_64; nearest allowed: the image al2023-x86_64, or an arm64 type: t4g.medium, c7g.large, t4g.small.',
    });
  });

  it('refuses an unknown image, and accepts an explicit AMI id without an architecture', () => {
    expect(onlyViolation({ image: 'windows-2022' })?.message).toMatch(
      /^The image "windows-2022" is neither a known alias nor an AMI id\. Known aliases: al2023-x86_64, /,
    );
    const named = catalogSettings({ request: 'a web server from ami-0123456789abcdef0' });
    expect(violationsOf({ image: 'ami-0123456789abcdef0' }, named)).toEqual([]);
  });

  it('refuses an AMI id the request does not name, listing the aliases', () => {
    expect(onlyViolation({ image: 'ami-0123456789abcdef0' })).toMatchObject({
      rule: 'image',
      message: expect.stringMatching(
        /^The image ami-0123456789abcdef0 is an AMI id the request does not name; .*Known aliases: al2023-x86_64, al2023-arm64, ubuntu-24\.04-x86_64/,
      ),
    });
  });

  it('refuses type names that are Object.prototype keys as unknown types instead of throwing', () => {
    for (const instanceType of ['t3.constructor', 'm5.__proto__', 'toString', 'c6i.hasOwnProperty']) {
      expect(onlyViolation({ instanceType })?.rule, instanceType).toBe('instance-type');
    }
  });

  it('refuses root volumes outside 8..16384 GiB, fractions and unknown types', () => {
    expect(onlyViolation({ rootVolumeSizeGiB: 4 })?.message).toBe(
      'The root volume size 4 GiB is outside 8..16384 GiB (whole GiB); nearest allowed: 8 GiB.',
    );
    expect(onlyViolation({ rootVolumeSizeGiB: 20000 })?.message).toMatch(/nearest allowed: 16384 GiB/);
    expect(onlyViolation({ rootVolumeSizeGiB: 250.5 })?.rule).toBe('root-volume-size');
    expect(onlyViolation({ rootVolumeType: 'io2' })?.rule).toBe('root-volume-type');
  });

  it('refuses SSH or RDP open to the world unless allowed, but not from a narrow range', () => {
    const rdp = { ...sshFromWorld, fromPort: 3380, toPort: 3390, cidr: '::/0', description: 'RDP' };
    expect(onlyViolation({ ingressRules: [sshFromWorld] })).toMatchObject({
      rule: 'open-admin-port',
      message:
        'Ingress rule 1 (tcp 22 from 0.0.0.0/0) opens SSH (port 22) to the whole internet. Quarry counts any public source wider than an IPv4 /16 or an IPv6 /32 as the internet, also when several rules add up to more.',
      hint: expect.stringContaining('--allow-open-admin-ports'),
    });
    expect(onlyViolation({ ingressRules: [rdp] })?.message).toMatch(/opens RDP \(port 3389\)/);
    expect(
      violationsOf({ ingressRules: [sshFromWorld, rdp] }, catalogSettings({ allowOpenAdminPorts: true })),
    ).toEqual([]);
    expect(violationsOf({ ingressRules: [{ ...sshFromWorld, cidr: '203.0.113.7/32' }] })).toEqual([]);
  });

  it('refuses other spellings of the world and ranges that add up to it', () => {
    const ssh = (cidr: string) => ({ ...sshFromWorld, cidr });
    for (const cidr of ['0::/0', '0:0:0:0:0:0:0:0/0', '0.0.0.0/00', '::ffff:0:0/96']) {
      expect(onlyViolation({ ingressRules: [ssh(cidr)] })?.message, cidr).toMatch(/to the whole internet\./);
    }
    expect(onlyViolation({ ingressRules: [ssh('0.0.0.0/1'), ssh('128.0.0.0/1')] })?.message).toBe(
      'Ingress rules 1 and 2 (tcp 22 from 0.0.0.0/1; tcp 22 from 128.0.0.0/1) together open SSH (port 22) to the whole internet. Quarry counts any public source wider than an IPv4 /16 or an IPv6 /32 as the internet, also when several rules add up to more.',
    );
    expect(onlyViolation({ ingressRules: [ssh('::/1'), ssh('8000::/1')] })?.message).toMatch(
      /^Ingress rules 1 and 2 .* together open SSH \(port 22\) to the whole internet\./,
    );
  });

  it('counts a source wider than IPv4 /16 or IPv6 /32 as the internet, also added up over rules', () => {
    const ssh = (cidr: string) => ({ ...sshFromWorld, cidr });
    expect(onlyViolation({ ingressRules: [ssh('8.0.0.0/15')] })?.message).toMatch(
      /^Ingress rule 1 \(tcp 22 from 8\.0\.0\.0\/15\) opens SSH \(port 22\) to the internet\. .*IPv4 \/16/,
    );
    expect(onlyViolation({ ingressRules: [ssh('2001:db8::/31')] })?.rule).toBe('open-admin-port');
    expect(onlyViolation({ ingressRules: [ssh('8.0.0.0/16'), ssh('9.0.0.0/16')] })?.message).toMatch(
      /^Ingress rules 1 and 2 \(.*\) together open SSH \(port 22\) to the internet\./,
    );
    // One /16 or /32 is a network, not the internet; the same range twice still is one; private space is not public.
    expect(violationsOf({ ingressRules: [ssh('8.0.0.0/16'), ssh('8.0.128.0/17')] })).toEqual([]);
    expect(violationsOf({ ingressRules: [ssh('2001:db8::/32')] })).toEqual([]);
    expect(violationsOf({ ingressRules: [ssh('10.0.0.0/8'), ssh('172.16.0.0/12')] })).toEqual([]);
  });

  it('refuses telnet, VNC and WinRM open to the internet, naming every port a rule opens', () => {
    const world = (fromPort: number, toPort = fromPort) => ({ ...sshFromWorld, fromPort, toPort });
    expect(onlyViolation({ ingressRules: [world(23)] })?.message).toMatch(/opens Telnet \(port 23\)/);
    expect(onlyViolation({ ingressRules: [world(5900)] })?.message).toMatch(/opens VNC \(port 5900\)/);
    expect(onlyViolation({ ingressRules: [world(5985, 5986)] })?.message).toMatch(
      /opens WinRM \(port 5985\) and WinRM over HTTPS \(port 5986\) to the whole internet/,
    );
    expect(onlyViolation({ ingressRules: [world(0, 65535)] })?.message).toMatch(
      /opens SSH \(port 22\), Telnet \(port 23\), RDP \(port 3389\), VNC \(port 5900\), WinRM \(port 5985\) and WinRM over HTTPS \(port 5986\)/,
    );
    expect(violationsOf({ ingressRules: [world(3306)] })).toEqual([]);
  });

  it('keeps CIDRs in their plain spelling', () => {
    const outcome = checkGuardRails(
      minecraftAnswer({
        ingressRules: [{ ...sshFromWorld, fromPort: 443, toPort: 443, cidr: '0:0:0:0:0:0:0:0/0' }],
      }),
      catalogSettings(),
    );
    if (!('plan' in outcome)) throw new Error('expected a plan');
    expect(outcome.plan.ingressRules[0]?.cidr).toBe('::/0');
  });

  it('refuses bad ports, protocols and ranges', () => {
    const rule = { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0', description: 'HTTPS' };
    expect(onlyViolation({ ingressRules: [{ ...rule, fromPort: 65536, toPort: 65536 }] })?.rule).toBe(
      'port-range',
    );
    expect(onlyViolation({ ingressRules: [{ ...rule, fromPort: 444 }] })?.rule).toBe('port-range');
    expect(onlyViolation({ ingressRules: [{ ...rule, fromPort: 443.5, toPort: 444 }] })?.rule).toBe(
      'port-range',
    );
    expect(onlyViolation({ ingressRules: [{ ...rule, protocol: '-1' }] })?.rule).toBe('protocol');
    for (const cidr of [
      '0.0.0.0',
      '10.0.0.256/8',
      '10.0.0.0/33',
      '010.0.0.0/8',
      'fe80::zz/64',
      'fe80::1%eth0/64',
      '::/129',
      'anywhere',
    ]) {
      expect(onlyViolation({ ingressRules: [{ ...rule, cidr }] })?.rule, cidr).toBe('cidr');
    }
    expect(violationsOf({ ingressRules: [{ ...rule, protocol: 'icmp', fromPort: -1, toPort: -1 }] })).toEqual(
      [],
    );
    expect(violationsOf({ ingressRules: [{ ...rule, cidr: '2001:db8::/32' }] })).toEqual([]);
  });

  it('refuses bad tags, oversized user data and odd key pair names', () => {
    expect(onlyViolation({ tags: [{ key: 'aws:owner', value: 'x' }] })?.message).toMatch(
      /aws: prefix is reserved/,
    );
    expect(onlyViolation({ tags: [{ key: '', value: 'x' }] })?.rule).toBe('tag');
    expect(onlyViolation({ tags: [{ key: 'a'.repeat(129), value: 'x' }] })?.rule).toBe('tag');
    expect(onlyViolation({ tags: [{ key: 'owner', value: 'x<y>' }] })?.message).toMatch(
      /only letters, digits/,
    );
    expect(
      onlyViolation({
        tags: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      })?.message,
    ).toMatch(/appears twice/);
    expect(onlyViolation({ userData: 'x'.repeat(16 * 1024 + 1) })?.rule).toBe('user-data');
    expect(onlyViolation({ keyPairName: 'key\n' })?.rule).toBe('key-pair-name');
  });

  it('cleans rule descriptions to what EC2 accepts', () => {
    const outcome = checkGuardRails(
      minecraftAnswer({
        ingressRules: [
          { protocol: 'udp', fromPort: 1, toPort: 1, cidr: '0.0.0.0/0', description: "Players' port é" },
        ],
      }),
      catalogSettings(),
    );
    if (!('plan' in outcome)) throw new Error('expected a plan');
    expect(outcome.plan.ingressRules[0]?.description).toBe('Players port');
  });
});
