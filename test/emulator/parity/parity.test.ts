import * as iamSdk from '@aws-sdk/client-iam';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import * as stsSdk from '@aws-sdk/client-sts';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/index.js';
import { type TestCredentials, iamClient, stsClient } from '../emulator_clients.js';
import { type Json, differences } from './parity_matcher.js';

/**
 * Replays cases recorded against real AWS (LocalStack's AWS-validated snapshot tests; the data and its
 * source are in `*.cases.json`, built by `extract_cases.py`) against the emulator through the AWS SDK v3,
 * and compares each recorded answer: members, literal values, error code, message and status.
 * The calls run as an IAM user with administrator rights, as LocalStack's suites ran against AWS.
 */
interface Step {
  op: string;
  input: Record<string, Json>;
  match?: string;
  save?: string;
  /** Saved credentials to sign with (`session.Credentials`, `key.AccessKey`). */
  as?: string;
  /** Reduces the answer the way the recording test did before snapshotting. */
  select?: string;
}

interface ParityCase {
  key: string;
  recorded: string;
  steps: Step[];
  expected: Record<string, Json>;
  shapeOnly?: Record<string, string>;
}

interface CaseFile {
  source: { repository: string; commit: string; snapshotFile: string };
  cases: ParityCase[];
}

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((name) => name.endsWith('.cases.json'))
  .sort()
  .map((name) => ({ name, data: JSON.parse(readFileSync(join(here, name), 'utf8')) as CaseFile }));

/** Members whose value IAM sends URL-encoded and botocore (which recorded the cases) decodes and parses. */
const ENCODED_DOCUMENTS = new Set(['AssumeRolePolicyDocument', 'PolicyDocument', 'Document']);

function normalise(value: unknown, key = ''): Json {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => normalise(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([name, child]) => name !== '$metadata' && child !== undefined)
        .map(([name, child]) => [name, normalise(child, name)]),
    );
  }
  if (typeof value === 'string' && ENCODED_DOCUMENTS.has(key)) {
    try {
      return JSON.parse(decodeURIComponent(value)) as Json;
    } catch {
      return value;
    }
  }
  return value as Json;
}

/** The recorded answer without the parts no two runs share (headers) and with its status kept. */
function recordedAnswer(recorded: Json): Json {
  if (recorded === null || typeof recorded !== 'object' || Array.isArray(recorded)) return recorded;
  const { ResponseMetadata, ...rest } = recorded;
  if (ResponseMetadata === undefined) return rest;
  const status = (ResponseMetadata as { HTTPStatusCode?: number }).HTTPStatusCode ?? 200;
  return { ...rest, ResponseMetadata: { HTTPStatusCode: status } };
}

function lookup(saved: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], saved);
}

function fill(value: Json, saved: Record<string, unknown>, account: string): Json {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (_, name: string) => (name === 'account' ? account : String(lookup(saved, name))));
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, saved, account));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, fill(child, saved, account)]));
  }
  return value;
}

function select(answer: Record<string, unknown>, how: string | undefined): Json {
  const withStatus = { ...answer, ResponseMetadata: { HTTPStatusCode: 200 } };
  if (how === undefined) return normalise(withStatus);
  // `List[Key=value]` keeps the matching items under their list's name; a trailing `!` returns them bare.
  let match = /^(\w+)\[(\w+)=(.+)\](!?)$/.exec(how);
  if (match) {
    const list = ((answer[match[1]!] as Array<Record<string, unknown>> | undefined) ?? []).filter((item) => item[match![2]!] === match![3]);
    return normalise(match[4] === '!' ? list : { [match[1]!]: list });
  }
  match = /^(\w+)\[\]\.(\w+)$/.exec(how);
  if (match) return normalise(((answer[match[1]!] as Array<Record<string, unknown>> | undefined) ?? []).map((item) => item[match![2]!]));
  match = /^\{(\w+)\}$/.exec(how);
  if (match) return normalise({ [match[1]!]: answer[match[1]!] ?? [] });
  match = /^sort:(\w+):(\w+)$/.exec(how);
  if (match) {
    const list = [...((answer[match[1]!] as Array<Record<string, string>> | undefined) ?? [])];
    list.sort((a, b) => (a[match![2]!] ?? '').localeCompare(b[match![2]!] ?? ''));
    return normalise({ ...withStatus, [match[1]!]: list });
  }
  throw new Error(`unknown select ${how}`);
}

function errorAnswer(error: unknown): Json {
  const failure = error as { Code?: string; name?: string; message?: string; Type?: string; $metadata?: { httpStatusCode?: number } };
  if (failure.$metadata?.httpStatusCode === undefined) throw error;
  return {
    Error: { Code: failure.Code ?? failure.name ?? '', Message: failure.message ?? '', Type: failure.Type ?? '' },
    ResponseMetadata: { HTTPStatusCode: failure.$metadata.httpStatusCode },
  };
}

async function send(endpoint: string, credentials: TestCredentials, op: string, input: Json): Promise<Record<string, unknown>> {
  const [service, action] = op.split(':') as [string, string];
  const module = (service === 'iam' ? iamSdk : stsSdk) as unknown as Record<string, new (input: unknown) => unknown>;
  const Command = module[`${action}Command`];
  if (Command === undefined) throw new Error(`no SDK command for ${op}`);
  const client = service === 'iam' ? iamClient(endpoint, credentials) : stsClient(endpoint, credentials);
  return (await (client as { send(command: unknown): Promise<Record<string, unknown>> }).send(new Command(input)));
}

const ADMIN_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

async function administrator(emulator: RunningEmulator): Promise<TestCredentials> {
  const root = iamClient(emulator.url);
  await root.send(new CreateUserCommand({ UserName: 'parity-admin' }));
  await root.send(new PutUserPolicyCommand({ UserName: 'parity-admin', PolicyName: 'admin', PolicyDocument: ADMIN_POLICY }));
  const key = await root.send(new CreateAccessKeyCommand({ UserName: 'parity-admin' }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

for (const { name, data } of files) {
  describe(`${name} (${data.source.repository}@${data.source.commit.slice(0, 10)} ${data.source.snapshotFile})`, () => {
    for (const parityCase of data.cases) {
      it(parityCase.key.split('::').slice(1).join('::'), async () => {
        emulator = await startEmulator({ port: 0 });
        const account = emulator.accounts[0]!.accountId;
        const admin = await administrator(emulator);
        const saved: Record<string, unknown> = {};
        const mismatches: string[] = [];
        for (const [index, step] of parityCase.steps.entries()) {
          const input = fill(step.input, saved, account);
          const credentials = step.as === undefined ? admin : credentialsAt(saved, step.as);
          let answer: Json;
          try {
            const result = await send(emulator.url, credentials, step.op, input);
            if (step.save) saved[step.save] = result;
            answer = select(result, step.select);
          } catch (error) {
            answer = errorAnswer(error);
          }
          if (step.match === undefined) {
            if ((answer as { Error?: unknown }).Error !== undefined) {
              mismatches.push(`step ${index} ${step.op} (setup) failed: ${JSON.stringify(answer)}`);
            }
            continue;
          }
          const recorded = recordedAnswer(parityCase.expected[step.match]!);
          const found = differences(recorded, answer, new Set(Object.keys(parityCase.shapeOnly ?? {})), step.match);
          mismatches.push(...found.map((line) => `step ${index} ${step.op}: ${line}`));
        }
        expect(mismatches).toEqual([]);
      });
    }
  });
}

function credentialsAt(saved: Record<string, unknown>, path: string): TestCredentials {
  const found = lookup(saved, path) as { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string } | undefined;
  if (found === undefined) throw new Error(`no saved credentials at ${path}`);
  return { accessKeyId: found.AccessKeyId, secretAccessKey: found.SecretAccessKey, ...(found.SessionToken ? { sessionToken: found.SessionToken } : {}) };
}
