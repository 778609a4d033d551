/**
 * The console's answer types (web/src/api/types.ts, written by hand) checked against the server's `/openapi.json`:
 * every property the console reads exists in the operation's response schema, literal unions equal the schema's
 * enums, and for the shapes the console renders field by field (the doctor's Diagnosis and findings, a test result,
 * the claims preview, database auth) the two sides name exactly the same properties. A schema change the
 * console does not follow fails here, not in a person's browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, type OperationName } from '../../web/src/api/operations.js';
import { startTestServer, type TestServer } from '../helpers/test_server.js';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  required?: string[];
  $ref?: string;
}
interface TsProperty {
  optional: boolean;
  literals: string[] | undefined;
}

/** Each interface of types.ts: its properties (with those of what it extends), optional or not, and string-literal unions. */
function interfacesOf(file: string): Map<string, Map<string, TsProperty>> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const own = new Map<string, { props: Map<string, TsProperty>; extends: string[] }>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    const props = new Map<string, TsProperty>();
    for (const member of node.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const type = member.type;
      const parts = ts.isUnionTypeNode(type) ? type.types : [type];
      const literals = parts.every((part) => ts.isLiteralTypeNode(part) && ts.isStringLiteral(part.literal))
        ? parts.map((part) => ((part as ts.LiteralTypeNode).literal as ts.StringLiteral).text)
        : undefined;
      props.set(member.name.getText(source), { optional: member.questionToken !== undefined, literals });
    }
    const parents = (node.heritageClauses ?? []).flatMap((clause) => clause.types.map((type) => type.expression.getText(source)));
    own.set(node.name.text, { props, extends: parents });
  });
  const resolved = new Map<string, Map<string, TsProperty>>();
  const resolve = (name: string): Map<string, TsProperty> => {
    const entry = own.get(name);
    if (!entry) throw new Error(`no interface ${name} in types.ts`);
    return new Map([...entry.extends.flatMap((parent) => [...resolve(parent)]), ...entry.props]);
  };
  for (const name of own.keys()) resolved.set(name, resolve(name));
  return resolved;
}

/** Which response schema each interface mirrors: operation, status, and the path into the body. */
const MIRRORS: Array<{ type: string; operation: OperationName; status: string; at: string[]; exact?: boolean }> = [
  { type: 'Tenant', operation: 'getTenant', status: '200', at: [] },
  { type: 'SigningKey', operation: 'listKeys', status: '200', at: ['keys', '[]'] },
  { type: 'TokenConfig', operation: 'listTokenConfigs', status: '200', at: ['tokenConfigs', '[]'] },
  { type: 'TokenPreview', operation: 'previewTokenConfigClaims', status: '200', at: [], exact: true },
  { type: 'Workload', operation: 'createWorkload', status: '201', at: [] },
  { type: 'Connection', operation: 'getConnection', status: '200', at: [] },
  { type: 'ConnectionTestResult', operation: 'testConnection', status: '200', at: [], exact: true },
  { type: 'Diagnosis', operation: 'testConnection', status: '200', at: ['diagnosis'], exact: true },
  { type: 'DiagnosisFinding', operation: 'testConnection', status: '200', at: ['diagnosis', 'findings', '[]'], exact: true },
  { type: 'TestStep', operation: 'testConnection', status: '200', at: ['steps', '[]'] },
  { type: 'Probe', operation: 'testConnection', status: '200', at: ['probes', '[]'] },
  { type: 'ConnectionTestRecord', operation: 'listConnectionTests', status: '200', at: ['tests', '[]'] },
  { type: 'TrustPolicyAnswer', operation: 'trustPolicy', status: '200', at: [] },
  { type: 'SetupCode', operation: 'createSetupCode', status: '201', at: [] },
  { type: 'AuditEvent', operation: 'audit', status: '200', at: ['events', '[]'] },
  { type: 'PolicyEvaluation', operation: 'simulatePolicy', status: '200', at: [] },
  { type: 'LintFinding', operation: 'lintPolicy', status: '200', at: ['findings', '[]'] },
  { type: 'Me', operation: 'me', status: '200', at: [] },
  { type: 'DbAuthInfo', operation: 'getConnectionDbAuth', status: '200', at: [], exact: true },
  { type: 'DbAuthCheck', operation: 'checkConnectionDbAuth', status: '200', at: [], exact: true },
];

describe("the console's answer types match /openapi.json", () => {
  let server: TestServer;
  let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>; components?: { schemas?: Record<string, Schema> } };
  const types = interfacesOf(join(import.meta.dirname, '..', '..', 'web', 'src', 'api', 'types.ts'));

  beforeAll(async () => {
    server = await startTestServer({ driftWatchIntervalSeconds: 0 });
    document = (await (await fetch(`${server.url}/openapi.json`)).json()) as typeof document;
  });
  afterAll(async () => {
    await server?.close();
  });

  const deref = (schema: Schema): Schema => {
    if (!schema.$ref) return schema;
    const name = schema.$ref.split('/').at(-1) as string;
    return deref(document.components?.schemas?.[name] ?? {});
  };

  function schemaOf(mirror: (typeof MIRRORS)[number]): Schema {
    const operation = operations[mirror.operation];
    const response = document.paths[operation.path]?.[operation.method.toLowerCase()]?.responses[mirror.status];
    let schema = deref(response?.content?.['application/json']?.schema ?? {});
    for (const step of mirror.at) schema = deref((step === '[]' ? schema.items : schema.properties?.[step]) ?? {});
    return schema;
  }

  it.each(MIRRORS)('$type is the $operation $status answer', (mirror) => {
    const properties = types.get(mirror.type);
    expect(properties, `interface ${mirror.type}`).toBeDefined();
    const schema = schemaOf(mirror);
    const documented = Object.keys(schema.properties ?? {});
    expect(documented.length, `${mirror.type}: the schema lists its properties`).toBeGreaterThan(0);
    // `secret` is in the create answer only; `Workload` reads both answers.
    expect([...properties!.keys()].filter((name) => !documented.includes(name)), `${mirror.type} reads properties the API does not document`).toEqual([]);
    if (mirror.exact) expect(documented.filter((name) => !properties!.has(name)), `${mirror.type} misses documented properties`).toEqual([]);
    for (const [name, property] of properties!) {
      const documentedEnum = deref(schema.properties?.[name] ?? {}).enum;
      if (property.literals && documentedEnum) expect(new Set(property.literals), `${mirror.type}.${name}`).toEqual(new Set(documentedEnum));
      // What the API always sends may be read without a check; what it may leave out must be optional in the type.
      if (!property.optional && schema.required) expect(schema.required, `${mirror.type}.${name} is required in the type but optional in the API`).toContain(name);
    }
  });
});
