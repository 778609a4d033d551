/**
 * "Bad input gets a clear error with a stable code; never a 500": every operation in our own OpenAPI document,
 * called with generated path values and bodies (fast-check), answers with a status below 500 and, when it
 * refuses, the error envelope with a snake_case code. AWS calls go to the local emulator, never outside.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { databasesUnderTest } from '../helpers/databases.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/test_server.js';

interface Operation {
  method: string;
  path: string;
}

/** A string with a NUL byte somewhere (PostgreSQL refuses NULs in text: the server must refuse them first). */
const withNul = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}\u0000${b}`);
/** Oversized values: longer than any field allows, some past the router's path-segment limit. */
const oversized = fc.constantFrom(1_000, 5_000, 70_000).map((length) => 'x'.repeat(length));
const DEEP = '\u0001deep\u0001';
/** A marker the request body replaces with JSON nested that many levels deep (built as text: no stack needed). */
const deep = fc.integer({ min: 33, max: 20_000 }).map((depth) => `${DEEP}${depth}${DEEP}`);
function bodyText(payload: unknown): string {
  return JSON.stringify(payload).replace(/"\\u0001deep\\u0001(\d+)\\u0001deep\\u0001"/g, (_all, depth: string) =>
    `${'{"a":['.repeat(Number(depth))}1${']}'.repeat(Number(depth))}`,
  );
}

const pathValue = fc.oneof(
  fc.constantFrom('acme', 'aws', 'nope', 'wl-1', 'a', 'x'.repeat(80), '..', '%2F', 'Ünïcode', ' ', '-', '\u0000', 'acme\u0000'),
  fc.string({ maxLength: 20 }),
  withNul,
  oversized,
);
/** Text fields: plain, with NUL bytes, oversized. */
const text = fc.oneof({ weight: 3, arbitrary: fc.string() }, { weight: 1, arbitrary: withNul }, { weight: 1, arbitrary: oversized });
/** Object-typed fields (claims, session policy, policy documents): small objects, or nested thousands deep. */
const objectField = fc.oneof({ weight: 3, arbitrary: fc.object({ maxDepth: 2 }) }, { weight: 1, arbitrary: deep });
const body = fc.oneof(
  fc.constant(undefined),
  fc.object({ maxDepth: 2, maxKeys: 6 }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.record(
    {
      id: text,
      name: text,
      tokenConfig: fc.oneof(fc.constant('aws'), text),
      subjectTemplate: fc.oneof(fc.constant('app:{deployment}:{component}'), text),
      deployment: text,
      component: text,
      roleArn: fc.oneof(fc.constant('arn:aws:iam::123456789012:role/x'), text),
      region: fc.oneof(fc.constant('us-east-1'), text),
      policy: fc.oneof(fc.string(), objectField),
      claims: objectField,
      sessionPolicy: objectField,
      sessionTags: objectField,
      engine: fc.oneof(fc.constantFrom('postgres', 'mysql', 'redshift', 'redshift-serverless'), fc.string()),
      verify: fc.boolean(),
      lifetimeSeconds: fc.oneof(fc.integer(), fc.double()),
    },
    { requiredKeys: [] },
  ),
);

describe.each(databasesUnderTest())('no operation answers 500 to generated input on $dialect', ({ newUrl }) => {
  let emulator: RunningEmulator;
  let server: TestServer;
  let operations: Operation[] = [];
  let workloadSecret = '';

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    process.env.AWS_ENDPOINT_URL = emulator.url;
    server = await startTestServer({
      databaseUrl: await newUrl(),
      driftWatchIntervalSeconds: 0,
      env: { ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH: 'true' },
      runtime: { broker: { sts: { endpoint: emulator.url, maxAttempts: 1 }, verifyRetry: { attempts: 1 } } },
    });
    const admin = { ...server.adminHeaders, 'content-type': 'application/json' };
    await fetch(`${server.url}/api/v1/tenants`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'acme', name: 'Acme' }) });
    await fetch(`${server.url}/api/v1/tenants/acme/token-configs`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'aws', subjectTemplate: 'app:{deployment}:{component}' }) });
    const workload = (await (
      await fetch(`${server.url}/api/v1/tenants/acme/workloads`, { method: 'POST', headers: admin, body: JSON.stringify({ deployment: 'd', component: 'c' }) })
    ).json()) as { secret: string };
    workloadSecret = workload.secret;
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => ['get', 'post', 'delete', 'put', 'patch'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    await emulator?.close();
    delete process.env.AWS_ENDPOINT_URL;
  });

  it('covers the API', () => {
    expect(operations.length).toBeGreaterThan(25);
  });

  it('answers every generated request below 500, with the envelope when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(pathValue, { minLength: 3, maxLength: 3 }),
        body,
        fc.constantFrom('admin', 'workload', 'none', 'garbage'),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (pick, values, payload, who, contentType) => {
          const operation = operations[pick % operations.length]!;
          let index = 0;
          const path = operation.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[index++ % values.length]!));
          const token = { admin: TEST_ADMIN_TOKEN, workload: workloadSecret, none: undefined, garbage: 'x y z' }[who];
          const withBody = operation.method !== 'GET' && operation.method !== 'DELETE' && payload !== undefined;
          const response = await fetch(`${server.url}${path}`, {
            method: operation.method,
            headers: {
              ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
              ...(withBody ? { 'content-type': contentType } : {}),
            },
            ...(withBody ? { body: bodyText(payload) } : {}),
          });
          const text = await response.text();
          expect(response.status, `${operation.method} ${path} → ${response.status} ${text.slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) {
            const envelope = JSON.parse(text) as { error?: { code?: string; message?: string } };
            expect(envelope.error?.code, `${operation.method} ${path}: ${text.slice(0, 300)}`).toMatch(/^[a-z][a-z0-9_]*$/);
            expect(typeof envelope.error?.message).toBe('string');
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  }, 300_000);
});
