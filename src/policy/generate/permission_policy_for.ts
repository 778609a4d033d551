import { InvalidInputError } from '../../core/index.js';
import type { PolicyJson, PolicyStatementJson } from '../policy_document.js';

export const PERMISSION_TEMPLATES = ['athena', 's3-export', 's3-multipart', 'bedrock', 'rds-connect', 'redshift', 'redshift-serverless'] as const;
export type PermissionTemplate = (typeof PERMISSION_TEMPLATES)[number];

/** Parameters of the permission templates; each template says which it needs. Region and account default to `*`. */
export interface PermissionParameters {
  readonly region?: string;
  readonly accountId?: string;
  readonly partition?: string;
  /** athena: the workgroup (default `primary`) and the query-results bucket. */
  readonly workgroup?: string;
  readonly resultsBucket?: string;
  /** athena: Glue databases the role may read (default: every database). */
  readonly databases?: readonly string[];
  /** s3-export / s3-multipart: bucket and optional key prefix. */
  readonly bucket?: string;
  readonly prefix?: string;
  /** bedrock: foundation-model ids or patterns (default `*`), inference-profile ids. */
  readonly modelIds?: readonly string[];
  readonly inferenceProfileIds?: readonly string[];
  /** rds-connect: the DB resource id (`db-…` / `cluster-…`) and database user. */
  readonly dbResourceId?: string;
  readonly dbUser?: string;
  /** redshift: cluster, database user and database name. */
  readonly clusterIdentifier?: string;
  readonly dbName?: string;
  /** redshift-serverless: the workgroup id (its ARN carries the id, not the name); default every workgroup. */
  readonly workgroupId?: string;
}

/** A permission policy for one template, with resources scoped by the parameters. */
export function permissionPolicyFor(template: PermissionTemplate | string, parameters: PermissionParameters = {}): PolicyJson {
  const build = BUILDERS[template as PermissionTemplate];
  if (build === undefined) {
    throw new InvalidInputError('unknown_permission_template', `Unknown permission template "${template}" (expected one of ${PERMISSION_TEMPLATES.join(', ')}).`, { template });
  }
  return { Version: '2012-10-17', Statement: build(withDefaults(parameters)) };
}

interface Resolved extends PermissionParameters {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
}

function withDefaults(parameters: PermissionParameters): Resolved {
  return { ...parameters, region: parameters.region ?? '*', accountId: parameters.accountId ?? '*', partition: parameters.partition ?? 'aws' };
}

function required(parameters: PermissionParameters, name: keyof PermissionParameters, template: string): string {
  const value = parameters[name];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidInputError('missing_template_parameter', `The ${template} template needs "${name}".`, { template, parameter: name });
  }
  return value;
}

function objectArn(p: Resolved, bucket: string): string {
  const prefix = p.prefix ? `${p.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  return `arn:${p.partition}:s3:::${bucket}/${prefix}*`;
}

const BUILDERS: Record<PermissionTemplate, (p: Resolved) => PolicyStatementJson[]> = {
  athena: (p) => {
    const bucket = required(p, 'resultsBucket', 'athena');
    const glue = `arn:${p.partition}:glue:${p.region}:${p.accountId}`;
    const databases = p.databases && p.databases.length > 0 ? p.databases : ['*'];
    return [
      {
        Sid: 'AthenaQueries',
        Effect: 'Allow',
        Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
        Resource: `arn:${p.partition}:athena:${p.region}:${p.accountId}:workgroup/${p.workgroup ?? 'primary'}`,
      },
      {
        Sid: 'GlueCatalogRead',
        Effect: 'Allow',
        Action: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
        Resource: [`${glue}:catalog`, ...databases.map((db) => `${glue}:database/${db}`), ...databases.map((db) => `${glue}:table/${db}/*`)],
      },
      {
        Sid: 'AthenaResultsBucket',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: [`arn:${p.partition}:s3:::${bucket}`, objectArn(p, bucket)],
      },
    ];
  },
  's3-export': (p) => {
    const bucket = required(p, 'bucket', 's3-export');
    return [
      { Sid: 'ExportBucketList', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: `arn:${p.partition}:s3:::${bucket}` },
      { Sid: 'ExportBucketObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: objectArn(p, bucket) },
    ];
  },
  's3-multipart': (p) => {
    const bucket = required(p, 'bucket', 's3-multipart');
    return [
      { Sid: 'BucketList', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'], Resource: `arn:${p.partition}:s3:::${bucket}` },
      {
        Sid: 'BucketObjectsMultipart',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: objectArn(p, bucket),
      },
    ];
  },
  bedrock: (p) => {
    const models = p.modelIds && p.modelIds.length > 0 ? p.modelIds : ['*'];
    // Cross-region inference profiles route to the model in several regions, hence `*` for the model's region.
    const resources = [
      ...models.map((model) => `arn:${p.partition}:bedrock:*::foundation-model/${model}`),
      ...(p.inferenceProfileIds ?? []).map((profile) => `arn:${p.partition}:bedrock:${p.region}:${p.accountId}:inference-profile/${profile}`),
    ];
    return [{ Sid: 'BedrockInvoke', Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: resources }];
  },
  'rds-connect': (p) => {
    const resourceId = required(p, 'dbResourceId', 'rds-connect');
    const user = required(p, 'dbUser', 'rds-connect');
    return [{ Sid: 'RdsIamConnect', Effect: 'Allow', Action: 'rds-db:connect', Resource: `arn:${p.partition}:rds-db:${p.region}:${p.accountId}:dbuser:${resourceId}/${user}` }];
  },
  redshift: (p) => {
    const cluster = required(p, 'clusterIdentifier', 'redshift');
    const user = required(p, 'dbUser', 'redshift');
    const base = `arn:${p.partition}:redshift:${p.region}:${p.accountId}`;
    return [
      {
        Sid: 'RedshiftClusterCredentials',
        Effect: 'Allow',
        Action: 'redshift:GetClusterCredentials',
        Resource: [`${base}:dbuser:${cluster}/${user}`, `${base}:dbname:${cluster}/${p.dbName ?? '*'}`],
      },
      { Sid: 'RedshiftDescribeCluster', Effect: 'Allow', Action: 'redshift:DescribeClusters', Resource: `${base}:cluster:${cluster}` },
    ];
  },
  'redshift-serverless': (p) => {
    // Workgroup ARNs carry the workgroup id, not its name; without the id the role reaches every workgroup.
    return [
      {
        Sid: 'RedshiftServerlessCredentials',
        Effect: 'Allow',
        Action: ['redshift-serverless:GetCredentials', 'redshift-serverless:GetWorkgroup'],
        Resource: `arn:${p.partition}:redshift-serverless:${p.region}:${p.accountId}:workgroup/${p.workgroupId ?? '*'}`,
      },
    ];
  },
};
