import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidDbAuthRequestError, parseDbAuthRequest } from '../../src/db_auth/index.js';

const lower = 'abcdefghijklmnopqrstuvwxyz';
const chars = (alphabet: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const connection = chars(`${lower}0123456789-`, 1, 63);
const host = fc.array(chars(lower, 1, 20), { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const dbUser = fc.tuple(chars(lower, 1, 1), chars(`${lower}0123456789_`, 0, 30)).map(([a, b]) => a + b);
const clusterIdentifier = fc.tuple(chars(lower, 1, 1), chars(`${lower}0123456789-`, 0, 40)).map(([a, b]) => a + b);
const duration = fc.integer({ min: 900, max: 3600 });

const validBodies = fc.oneof(
  fc.record({ connection, engine: fc.constantFrom('postgres', 'mysql'), host, dbUser }, { requiredKeys: ['connection', 'engine', 'host', 'dbUser'] }),
  fc.record(
    { connection, engine: fc.constant('redshift'), clusterIdentifier, dbUser, dbName: dbUser, autoCreate: fc.boolean(), durationSeconds: duration },
    { requiredKeys: ['connection', 'engine', 'clusterIdentifier', 'dbUser'] },
  ),
  fc.record(
    { connection, engine: fc.constant('redshift-serverless'), workgroupName: chars(`${lower}0123456789-`, 3, 64), dbName: dbUser, durationSeconds: duration },
    { requiredKeys: ['connection', 'engine', 'workgroupName'] },
  ),
);

const REQUIRED: Record<string, string[]> = {
  postgres: ['connection', 'engine', 'host', 'dbUser'],
  mysql: ['connection', 'engine', 'host', 'dbUser'],
  redshift: ['connection', 'engine', 'clusterIdentifier', 'dbUser'],
  'redshift-serverless': ['connection', 'engine', 'workgroupName'],
};

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidDbAuthRequestError) return error.details?.field as string;
    throw error;
  }
  return undefined;
}

describe('parseDbAuthRequest', () => {
  it('accepts every valid body, keeps its fields and fills the defaults', () => {
    fc.assert(
      fc.property(validBodies, (body) => {
        const { connection: name, request } = parseDbAuthRequest(body);
        expect(name).toBe(body.connection);
        expect(request).toMatchObject(Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'connection')));
        if (request.engine === 'postgres') expect(request.port).toBe(5432);
        if (request.engine === 'mysql') expect(request.port).toBe(3306);
        if (request.engine === 'redshift' || request.engine === 'redshift-serverless') {
          expect(request.durationSeconds).toBe((body as { durationSeconds?: number }).durationSeconds ?? 900);
        }
      }),
    );
  });

  it('names the required field that is missing', () => {
    fc.assert(
      fc.property(validBodies, fc.nat(), (body, pick) => {
        const required = REQUIRED[body.engine] as string[];
        const field = required[pick % required.length] as string;
        const { [field]: _dropped, ...without } = body as Record<string, unknown>;
        expect(fieldOf(() => parseDbAuthRequest(without))).toBe(field);
      }),
    );
  });

  it('names a field the engine does not use', () => {
    fc.assert(
      fc.property(validBodies, fc.constantFrom('clusterIdentifier', 'workgroupName', 'host', 'autoCreate', 'password'), (body, extra) => {
        fc.pre(!(extra in body) && !(body.engine === 'redshift' && ['clusterIdentifier', 'autoCreate'].includes(extra)));
        fc.pre(!(body.engine === 'redshift-serverless' && extra === 'workgroupName'));
        fc.pre(!(['postgres', 'mysql'].includes(body.engine) && extra === 'host'));
        expect(fieldOf(() => parseDbAuthRequest({ ...body, [extra]: 'x' }))).toBe(extra);
      }),
    );
  });

  it('names out-of-range and malformed values', () => {
    const base = { connection: 'c', engine: 'redshift', clusterIdentifier: 'analytics', dbUser: 'etl' };
    expect(fieldOf(() => parseDbAuthRequest({ ...base, durationSeconds: 899 }))).toBe('durationSeconds');
    expect(fieldOf(() => parseDbAuthRequest({ ...base, durationSeconds: 3601 }))).toBe('durationSeconds');
    expect(fieldOf(() => parseDbAuthRequest({ ...base, durationSeconds: 1000.5 }))).toBe('durationSeconds');
    expect(fieldOf(() => parseDbAuthRequest({ ...base, dbUser: '1abc' }))).toBe('dbUser');
    expect(fieldOf(() => parseDbAuthRequest({ ...base, dbGroups: ['ok', 'not ok'] }))).toBe('dbGroups[1]');
    expect(fieldOf(() => parseDbAuthRequest({ ...base, region: 'mars' }))).toBe('region');
    expect(fieldOf(() => parseDbAuthRequest({ connection: 'c', engine: 'postgres', host: 'db:5432', dbUser: 'a' }))).toBe('host');
    expect(fieldOf(() => parseDbAuthRequest({ connection: 'c', engine: 'oracle' }))).toBe('engine');
    expect(fieldOf(() => parseDbAuthRequest([]))).toBe('body');
    expect(() => parseDbAuthRequest({ ...base, durationSeconds: 899 })).toThrow('durationSeconds: must be between 900 and 3600');
  });
});
