import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { instanceCatalog } from './instance-catalog.ts';
import {
  checkAllowedTypes,
  findInstanceType,
  instanceChoices,
  nearestInstanceTypes,
  refreshCatalog,
} from './instance-choices.ts';

describe('instance catalog', () => {
  it('holds unique names with sizes and prices, burstables micro..2xlarge and others large..4xlarge', () => {
    const names = instanceCatalog.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of instanceCatalog) {
      expect(spec.pricePerHourUsd, spec.name).toBeGreaterThan(0);
      expect(spec.vcpus * spec.memoryGiB, spec.name).toBeGreaterThan(0);
    }
    expect(names.filter((name) => name.startsWith('t3.'))).toEqual([
      't3.micro',
      't3.small',
      't3.medium',
      't3.large',
      't3.xlarge',
      't3.2xlarge',
    ]);
    expect(names.filter((name) => name.startsWith('c7g.'))).toEqual([
      'c7g.large',
      'c7g.xlarge',
      'c7g.2xlarge',
      'c7g.4xlarge',
    ]);
    expect(findInstanceType(instanceCatalog, 't3.medium')).toEqual({
      name: 't3.medium',
      vcpus: 2,
      memoryGiB: 4,
      architecture: 'x86_64',
      burstable: true,
      pricePerHourUsd: 0.0416,
    });
    expect(findInstanceType(instanceCatalog, 'r7g.4xlarge')).toMatchObject({
      vcpus: 16,
      memoryGiB: 128,
      architecture: 'arm64',
    });
  });
});

describe('checkAllowedTypes', () => {
  it('normalises the entries', () => {
    expect(checkAllowedTypes([' T3.Small', 't3.medium', 't3.small', ''])).toEqual(['t3.small', 't3.medium']);
  });

  it('refuses an unknown type, naming the family types or the families', () => {
    expect(() => checkAllowedTypes(['t3.mega'])).toThrow(
      /--allow-types names "t3\.mega", which is not in the instance catalog\. Catalog types of the t3 family: t3\.micro, .*t3\.2xlarge\./,
    );
    expect(() => checkAllowedTypes(['x9.large'])).toThrow(/Catalog families: t3, t3a, t4g, m6i, .*r7g\./);
    expect(() => checkAllowedTypes([' ', ''])).toThrow(ValidationError);
  });
});

describe('refreshCatalog and instanceChoices', () => {
  it('keeps the catalog without facts, and takes sizes from the region while dropping what it does not offer', () => {
    expect(refreshCatalog(instanceCatalog, undefined)).toHaveLength(instanceCatalog.length);
    const refreshed = refreshCatalog(instanceCatalog, [
      { instanceType: 't3.medium', vcpus: 2, memoryGiB: 4, architectures: ['x86_64'] },
      { instanceType: 'm7g.large', vcpus: 2, memoryGiB: 8.5, architectures: ['arm64'] },
    ]);
    expect(refreshed.map((spec) => [spec.name, spec.memoryGiB])).toEqual([
      ['t3.medium', 4],
      ['m7g.large', 8.5],
    ]);
  });

  it('narrows to --allow-types and refuses a list the region does not offer at all', () => {
    const choices = instanceChoices(instanceCatalog, ['t3.small', 't3.medium']);
    expect(choices.allowed.map((spec) => spec.name)).toEqual(['t3.small', 't3.medium']);
    expect(choices.restricted).toBe(true);
    const offered = refreshCatalog(instanceCatalog, [
      { instanceType: 't3.micro', vcpus: 2, memoryGiB: 1, architectures: ['x86_64'] },
    ]);
    expect(() => instanceChoices(offered, ['t3.small'])).toThrow(
      /None of the --allow-types types is offered/,
    );
  });

  it('says the region offers no catalog type when --allow-types is not given', () => {
    const error = (() => {
      try {
        instanceChoices([], undefined);
      } catch (caught) {
        return caught as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(
      /^This region offers none of the instance types in Quarry's catalog \(families t3, /,
    );
    expect(error.message).not.toContain('--allow-types');
    expect(error.hint).toMatch(/--region/);
  });
});

describe('nearestInstanceTypes', () => {
  it('orders by vCPU and memory ratios, the cheaper first on ties', () => {
    const nearest = nearestInstanceTypes({ vcpus: 2, memoryGiB: 4 }, instanceCatalog, 4).map(
      (spec) => spec.name,
    );
    expect(nearest).toEqual(['t4g.medium', 't3a.medium', 't3.medium', 'c7g.large']);
    const small = instanceChoices(instanceCatalog, ['t3.micro', 't3.small', 'm7i.xlarge']).allowed;
    expect(nearestInstanceTypes({ vcpus: 2, memoryGiB: 4 }, small, 2).map((spec) => spec.name)).toEqual([
      't3.small',
      't3.micro',
    ]);
  });
});
