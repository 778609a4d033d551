import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_IAM_AUTH_DISABLED_MESSAGE } from '../../src/db_auth/index.js';
import { EXTERNAL_ID, type BrokerWorld } from '../server/credentials_fixture.js';
import { PARTNER, startDbAuthWorld, type DbAuthWorld, type ErrorAnswer } from './db_auth_world.js';

/**
 * `POST /api/v1/db-auth-token` end to end, all real parts: a rolebridge server, the AWS emulator
 * (STS + IAM + Redshift + Redshift Serverless) and the real SDK clients inside the server. The
 * cluster and workgroup live in the partner account, reached through the two-hop chain with an
 * ExternalId (the seeds' cross-account case); see db_auth_world.ts.
 */
describe('database IAM auth tokens through the broker and the emulator', () => {
  let world: BrokerWorld;

  let dbToken: DbAuthWorld['dbToken'];
  let redshiftEvents: DbAuthWorld['redshiftEvents'];
  let setup: DbAuthWorld;

  beforeAll(async () => {
    setup = await startDbAuthWorld();
    ({ world, dbToken, redshiftEvents } = setup);
  });

  afterAll(async () => {
    await setup?.close();
  });

  describe('with the feature flag off (the default)', () => {
    it('answers every request with exactly the documented message', async () => {
      expect(world.server.deps.config.features.awsDatabaseIamAuth).toBe(false);
      const valid = await dbToken({ connection: 'partner-db', engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user' });
      expect(valid.status).toBe(403);
      expect(valid.body.error.code).toBe('feature_disabled');
      expect(valid.body.error.message).toBe('AWS IAM database authentication is not enabled.');
      expect(DATABASE_IAM_AUTH_DISABLED_MESSAGE).toBe('AWS IAM database authentication is not enabled.');
      // Even an invalid or unauthenticated request gets the same answer: the switch comes first.
      const invalid = await world.api<ErrorAnswer>('POST', '/api/v1/db-auth-token', { engine: 'oracle' }, {});
      expect(invalid.status).toBe(403);
      expect(invalid.body.error.message).toBe('AWS IAM database authentication is not enabled.');
      expect(await redshiftEvents('GetClusterCredentials')).toHaveLength(0);
    });
  });

  describe('with ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH on', () => {
    beforeAll(() => {
      // The route reads the flag per request; the same server is switched on for these tests.
      world.server.deps.config.features.awsDatabaseIamAuth = true;
    });

    it('Redshift: credentials through the cross-account chain with ExternalId, called as the partner role', async () => {
      const before = Date.now();
      const answer = await dbToken({ connection: 'partner-db', engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user', dbName: 'dev' });
      expect(answer.body.error).toBeUndefined();
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ engine: 'redshift', username: 'IAM:etl_user' });
      expect(answer.body.password.length).toBeGreaterThan(40);
      const expiresAt = Date.parse(answer.body.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);

      const [call] = await redshiftEvents('GetClusterCredentials');
      expect(call?.recipientAccountId).toBe(PARTNER);
      expect(String(call?.userIdentity?.arn)).toMatch(new RegExp(`^arn:aws:sts::${PARTNER}:assumed-role/partner-athena/`));
      expect(call?.requestParameters).toMatchObject({ clusterIdentifier: 'analytics', dbUser: 'etl_user', dbName: 'dev' });
      const hops = await world.stsEvents('AssumeRole');
      expect(hops.some((event) => (event.requestParameters as Record<string, unknown>).externalId === EXTERNAL_ID)).toBe(true);
    });

    it('caches: many requests for the same password make one GetClusterCredentials call while it is valid', async () => {
      const body = { connection: 'partner-db', engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user', durationSeconds: 900 };
      const callsBefore = (await redshiftEvents('GetClusterCredentials')).length;
      const stsBefore = (await world.stsEvents()).length;
      const answers = await Promise.all(Array.from({ length: 12 }, () => dbToken(body)));
      for (let i = 0; i < 8; i += 1) answers.push(await dbToken(body));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(new Set(answers.map((answer) => answer.body.password)).size).toBe(1);
      expect((await redshiftEvents('GetClusterCredentials')).length).toBe(callsBefore + 1);
      expect((await world.stsEvents()).length).toBe(stsBefore); // the broker's session was reused too

      // Shortly before expiry (less than a minute left) the cached password is no longer handed out.
      world.advance(14 * 60_000 + 1_000);
      const renewed = await dbToken(body);
      expect(renewed.status).toBe(200);
      expect(renewed.body.password).not.toBe(answers[0]?.body.password);
      expect((await redshiftEvents('GetClusterCredentials')).length).toBe(callsBefore + 2);
    });

    it('Redshift Serverless: GetWorkgroup for the endpoint, GetCredentials as IAMR:<role>', async () => {
      const answer = await dbToken({ connection: 'partner-db', engine: 'redshift-serverless', workgroupName: 'reporting', dbName: 'dev', durationSeconds: 1800 });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        engine: 'redshift-serverless',
        username: 'IAMR:partner-athena',
        host: `reporting.${PARTNER}.us-east-1.redshift-serverless.amazonaws.com`,
        port: 5439,
      });
      expect(await redshiftEvents('GetWorkgroup')).toHaveLength(1);
      const [call] = await redshiftEvents('GetCredentials');
      expect(call?.recipientAccountId).toBe(PARTNER);
    });

    it('RDS: a token signed locally with the chain\'s session (the same one /credentials hands out)', async () => {
      const answer = await dbToken({ connection: 'partner-db', engine: 'postgres', host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com', dbUser: 'app' });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ engine: 'postgres', username: 'app', host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com', port: 5432 });
      const token = answer.body.password;
      expect(token.startsWith('orders.cluster-abc.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=app&')).toBe(true);
      const params = new URLSearchParams(token.slice(token.indexOf('?') + 1));
      const session = await world.credentials('partner-db');
      expect(params.get('X-Amz-Credential')?.split('/')[0]).toBe(session.body.AccessKeyId);
      expect(params.get('X-Amz-Security-Token')).toBe(session.body.Token);
      expect(params.get('X-Amz-Credential')?.split('/').slice(2).join('/')).toBe('us-east-1/rds-db/aws4_request');
      const amzDate = params.get('X-Amz-Date')!;
      const signedAt = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
      expect(Date.parse(answer.body.expiresAt)).toBe(signedAt + 900_000);
      const mysql = await dbToken({ connection: 'partner-db', engine: 'mysql', host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com', dbUser: 'app', region: 'eu-west-1' });
      expect(mysql.body.port).toBe(3306);
      expect(mysql.body.password).toContain('%2Feu-west-1%2Frds-db%2Faws4_request');
    });

    it('refuses when the role may not call Redshift: 403 db_access_denied with AWS\'s text', async () => {
      const denied = await dbToken({ connection: 'first-only', engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user' });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('db_access_denied');
      expect(denied.body.error.details?.awsCode).toBe('AccessDenied');
      expect(String(denied.body.error.details?.awsMessage)).toMatch(
        /^User: arn:aws:sts::123456789012:assumed-role\/rolebridge-first\/[\w+=,.@-]+ is not authorized to perform: redshift:GetClusterCredentials on resource: arn:aws:redshift:us-east-1:123456789012:dbuser:analytics\/etl_user$/,
      );
      // The partner role may ask for etl_user only.
      const otherUser = await dbToken({ connection: 'partner-db', engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'someone_else' });
      expect(otherUser.body.error.code).toBe('db_access_denied');
    });

    it('reports a missing cluster or workgroup as db_resource_not_found with AWS\'s text', async () => {
      const cluster = await dbToken({ connection: 'partner-db', engine: 'redshift', clusterIdentifier: 'retired', dbUser: 'etl_user' });
      expect(cluster.status).toBe(404);
      expect(cluster.body.error).toMatchObject({ code: 'db_resource_not_found', details: { awsMessage: 'Cluster retired not found.', httpStatus: 404 } });
      const workgroup = await dbToken({ connection: 'partner-db', engine: 'redshift-serverless', workgroupName: 'nowhere' });
      expect(workgroup.status).toBe(404);
      expect(workgroup.body.error).toMatchObject({ code: 'db_resource_not_found', details: { awsMessage: 'Serverless workgroup nowhere not found.' } });
    });

    it('names the missing or bad field', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ connection: 'partner-db', engine: 'postgres', host: 'db.example.com' }, 'dbUser'],
        [{ connection: 'partner-db', engine: 'postgres', host: 'https://db.example.com', dbUser: 'app' }, 'host'],
        [{ connection: 'partner-db', engine: 'mysql', host: 'db.example.com', dbUser: 'app', port: 70000 }, 'port'],
        [{ connection: 'partner-db', engine: 'redshift', dbUser: 'etl_user' }, 'clusterIdentifier'],
        [{ connection: 'partner-db', engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl_user', durationSeconds: 600 }, 'durationSeconds'],
        [{ connection: 'partner-db', engine: 'redshift-serverless', workgroupName: 'reporting', durationSeconds: 3601 }, 'durationSeconds'],
        [{ connection: 'partner-db', engine: 'redshift-serverless', workgroupName: 'Reporting' }, 'workgroupName'],
        [{ connection: 'partner-db', engine: 'postgres', host: 'db.example.com', dbUser: 'app', clusterIdentifier: 'x' }, 'clusterIdentifier'],
      ];
      for (const [body, field] of cases) {
        const refused = await dbToken(body);
        expect({ field, status: refused.status, code: refused.body.error.code, named: refused.body.error.details?.field }).toEqual({
          field,
          status: 400,
          code: 'invalid_db_auth_request',
          named: field,
        });
        expect(refused.body.error.message.startsWith(`${field}: `)).toBe(true);
      }
      const engine = await dbToken({ connection: 'partner-db', engine: 'oracle' });
      expect(engine.status).toBe(400);
      expect(engine.body.error.message).toContain('engine');
      const unknown = await dbToken({ connection: 'no-such', engine: 'postgres', host: 'db.example.com', dbUser: 'app' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('connection_not_found');
    });

    it('is documented in the OpenAPI document with its errors', async () => {
      const openapi = await world.api<{ paths: Record<string, Record<string, { responses: Record<string, unknown>; description: string }>> }>('GET', '/openapi.json');
      const operation = openapi.body.paths['/api/v1/db-auth-token']?.post;
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '422', '503']));
      expect(operation?.description).toContain('AWS IAM database authentication is not enabled.');
    });

    it('needs a workload secret', async () => {
      const anonymous = await world.api<ErrorAnswer>('POST', '/api/v1/db-auth-token', { connection: 'partner-db', engine: 'redshift' }, {});
      expect(anonymous.status).toBe(401);
    });
  });
});
