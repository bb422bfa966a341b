import * as path from 'node:path';
import { createSqliteCatalog } from '../adapters/sqlite/sqlite-catalog.ts';
import type { QuarryConfig } from '../core/config.ts';
import type { Catalog } from '../core/ports/catalog.ts';

const dynamoDbScheme = 'dynamodb://';

/**
 * Opens the catalog `catalog.location` names: the SQLite file in `home` (the default), or DynamoDB tables
 * named `<prefix>-…`, whose region, credentials and endpoint come from the AWS SDK's chain (with
 * `aws.region` and `AWS_ENDPOINT_URL_DYNAMODB` passed on). The DynamoDB SDK is imported only when used.
 */
export async function createCatalog(config: QuarryConfig): Promise<Catalog> {
  const { location, createTables } = config.catalog;
  if (!location.startsWith(dynamoDbScheme)) {
    return createSqliteCatalog({ path: path.join(config.home, 'quarry.sqlite') });
  }
  const { createDynamoDbCatalog } = await import('../adapters/dynamodb/dynamodb-catalog.ts');
  return createDynamoDbCatalog({
    tablePrefix: location.slice(dynamoDbScheme.length),
    createTables,
    ...(config.aws.region ? { region: config.aws.region } : {}),
    ...(config.aws.endpointUrlDynamoDb ? { endpoint: config.aws.endpointUrlDynamoDb } : {}),
  });
}
