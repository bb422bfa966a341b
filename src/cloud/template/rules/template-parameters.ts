import type { RuleFinding } from '../template-finding.ts';
import { isMapping } from '../template-view.ts';

const parameterKeys = new Set([
  'Type',
  'Default',
  'Description',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'MaxLength',
  'MinLength',
  'MaxValue',
  'MinValue',
  'NoEcho',
]);

/** Plain types, AWS-specific types (`AWS::EC2::KeyPair::KeyName`), their lists, and SSM parameter types. */
const parameterType =
  /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Value<.+>)$/;

/** CloudFormation's documented quota of parameters per template. */
const maxParameters = 200;

/** Checks the Parameters section: types, known keys, and a Default among the AllowedValues. */
export function* checkParameters(parameters: unknown): Iterable<RuleFinding> {
  if (!isMapping(parameters)) return;
  const entries = Object.entries(parameters);
  if (entries.length > maxParameters)
    yield {
      severity: 'error',
      message: `The template declares ${entries.length} parameters; CloudFormation allows ${maxParameters}.`,
      path: ['Parameters'],
    };
  for (const [name, parameter] of entries) yield* checkParameter(name, parameter);
}

function* checkParameter(name: string, parameter: unknown): Iterable<RuleFinding> {
  const path = ['Parameters', name];
  if (!isMapping(parameter)) {
    yield { severity: 'error', message: `Parameter ${name} must be a mapping with a Type.`, path };
    return;
  }
  const type = parameter.Type;
  if (typeof type !== 'string' || !parameterType.test(type))
    yield {
      severity: 'error',
      message: `Parameter ${name} needs a Type such as String, Number, CommaDelimitedList, List<Number> or an AWS-specific type like AWS::EC2::KeyPair::KeyName.`,
      path: [...path, 'Type'],
    };
  for (const key of Object.keys(parameter)) {
    if (!parameterKeys.has(key))
      yield {
        severity: 'error',
        message: `Parameter ${name} has an unknown key ${key}; expected ${[...parameterKeys].join(', ')}.`,
        path: [...path, key],
      };
  }
  const allowed = parameter.AllowedValues;
  const fallback = parameter.Default;
  if (Array.isArray(allowed) && (typeof fallback === 'string' || typeof fallback === 'number')) {
    const listType = typeof type === 'string' && (type.startsWith('List<') || type === 'CommaDelimitedList');
    const defaults = listType ? String(fallback).split(',') : [String(fallback)];
    const allowedText = allowed.map(String);
    const outside = defaults.filter((value) => !allowedText.includes(value.trim()));
    if (outside.length > 0)
      yield {
        severity: 'error',
        message: `Default of ${name} (${outside.join(', ')}) is not among its AllowedValues.`,
        path: [...path, 'Default'],
      };
  }
}
