/**
 * A DynamoDB expression with its placeholders. Attribute names are written `#name` and map to themselves
 * unless `names` says otherwise (map keys chosen at run time, say); values are written `:value`.
 */
export interface Expression {
  text: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * An expression whose `#word` placeholders name the attributes `word`, so conditions read almost like the
 * attribute names they test: `expression('#token = :token', { ':token': token })`.
 */
export function expression(
  text: string,
  values: Record<string, unknown> = {},
  names: Record<string, string> = {},
): Expression {
  const derived: Record<string, string> = {};
  for (const match of text.matchAll(/#(\w+)/g)) {
    const [placeholder, name] = match;
    if (name !== undefined) derived[placeholder] = name;
  }
  return { text, names: { ...derived, ...names }, values };
}

/** A `SET` update of each given field to its value (fields whose value is `undefined` are left alone). */
export function setFields(fields: Record<string, unknown>): Expression {
  const assignments: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    assignments.push(`#${field} = :set_${field}`);
    values[`:set_${field}`] = value;
  }
  return expression(`SET ${assignments.join(', ')}`, values);
}

/** The request fields of an update and an optional condition, their placeholders merged. */
export function updateRequest(
  update: Expression,
  condition?: Expression,
): {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  const values = { ...update.values, ...condition?.values };
  return {
    UpdateExpression: update.text,
    ...(condition === undefined ? {} : { ConditionExpression: condition.text }),
    ExpressionAttributeNames: { ...update.names, ...condition?.names },
    ...(Object.keys(values).length === 0 ? {} : { ExpressionAttributeValues: values }),
  };
}

/** The request fields of a condition alone (puts and deletes). */
export function conditionRequest(condition: Expression | undefined): {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (condition === undefined) return {};
  return {
    ConditionExpression: condition.text,
    ExpressionAttributeNames: condition.names,
    ...(Object.keys(condition.values).length === 0 ? {} : { ExpressionAttributeValues: condition.values }),
  };
}

/** The condition that the item exists and was written by a layout this code knows. */
export function existsInKnownLayout(partitionKey: string, schemaVersion: number): Expression {
  return expression(`attribute_exists(#${partitionKey}) AND #schemaVersion <= :knownSchemaVersion`, {
    ':knownSchemaVersion': schemaVersion,
  });
}
