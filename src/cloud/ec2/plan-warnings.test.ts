import { describe, expect, it } from 'vitest';
import { dryRunSkippedSummary } from './dry-run-outcome.ts';
import { catalogSettings, minecraftAnswer } from './ec2-plan.test-support.ts';
import { estimateCost } from './estimate-cost.ts';
import { checkGuardRails } from './guard-rails.ts';
import type { DraftPlan } from './launch-plan-schema.ts';
import { planWarnings } from './plan-warnings.ts';

function warningsFor(ingressRules: DraftPlan['ingressRules'], allowOpenAdminPorts = false): string[] {
  const outcome = checkGuardRails(
    minecraftAnswer({ ingressRules }),
    catalogSettings({ allowOpenAdminPorts }),
  );
  if (!('plan' in outcome)) throw new Error(JSON.stringify(outcome.violations));
  const skipped = { status: 'skipped' as const, checks: [], summary: dryRunSkippedSummary };
  return planWarnings(outcome.plan, estimateCost(outcome.plan, 'us-east-1'), skipped, allowOpenAdminPorts);
}

const tcp = (port: number, cidr: string) => ({
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  cidr,
  description: '',
});

describe('planWarnings', () => {
  it('warns about databases open to the internet, alone or added up over rules', () => {
    expect(warningsFor([tcp(3306, '0.0.0.0/0')])).toEqual([
      "MySQL (port 3306) is open to the whole internet (tcp 3306 from 0.0.0.0/0): a database is rarely meant to be reachable from anywhere; limit the source to its clients' addresses, or keep it private.",
    ]);
    for (const port of [5432, 1433, 1521, 27017, 6379, 9200]) {
      expect(warningsFor([tcp(port, '::/0')]), String(port)).toEqual([
        expect.stringMatching(new RegExp(`\\(port ${port}\\) is open to the whole internet`)),
      ]);
    }
    expect(warningsFor([tcp(5432, '0.0.0.0/1'), tcp(5432, '128.0.0.0/1')])).toEqual([
      expect.stringMatching(
        /^PostgreSQL \(port 5432\) is open to the whole internet \(tcp 5432 from 0\.0\.0\.0\/1; tcp 5432 from 128\.0\.0\.0\/1\)/,
      ),
    ]);
    expect(warningsFor([tcp(5432, '203.0.113.0/24'), tcp(6379, '10.0.0.0/8')])).toEqual([]);
  });

  it('warns about admin ports open to the internet when --allow-open-admin-ports let them through', () => {
    expect(warningsFor([tcp(22, '0::/0'), tcp(5900, '8.0.0.0/8')], true)).toEqual([
      'SSH (port 22) is open to the whole internet (tcp 22 from ::/0): allowed by --allow-open-admin-ports; anyone may try to log in.',
      'VNC (port 5900) is open to the internet (tcp 5900 from 8.0.0.0/8): allowed by --allow-open-admin-ports; anyone may try to log in.',
    ]);
  });
});
