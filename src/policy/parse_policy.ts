import type { ErrorCode } from '../core/index.js';
import { joinPath, parseJsonStrict, type JsonValue } from './parse_json_strict.js';
import type { PolicyCondition, PolicyDocument, PolicyStatement, PrincipalKind, PrincipalSpec } from './policy_document.js';
import { PolicyParseError } from './policy_parse_error.js';
import { parseConditionOperator } from './conditions/condition_operator_name.js';

const STATEMENT_ELEMENTS = new Set([
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
]);
const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['AWS', 'Federated', 'Service', 'CanonicalUser'];

/**
 * Parses an IAM policy document (text or an already-parsed JSON object). Throws PolicyParseError with a stable
 * `code` and the JSON `path` of the first problem. Element names are case-sensitive, as in IAM.
 */
export function parsePolicy(source: string | object): PolicyDocument {
  const text = typeof source === 'string' ? source : JSON.stringify(source);
  const json = typeof source === 'string' ? parseJsonStrict(source) : (source as JsonValue);
  if (!isObject(json)) throw new PolicyParseError('policy_not_object', 'A policy document must be a JSON object.', '');
  for (const key of Object.keys(json)) {
    if (key !== 'Version' && key !== 'Id' && key !== 'Statement') {
      throw new PolicyParseError('unknown_element', `Unknown top-level element "${key}" (expected Version, Id, Statement).`, key);
    }
  }
  const version = optionalString(json, 'Version', '');
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw new PolicyParseError('invalid_version', `Version must be "2012-10-17" (or the legacy "2008-10-17"), not "${version}".`, 'Version');
  }
  const statementJson = json.Statement;
  if (statementJson === undefined) throw new PolicyParseError('missing_statement', 'The policy has no Statement.', 'Statement');
  const statements: PolicyStatement[] = [];
  if (Array.isArray(statementJson)) {
    if (statementJson.length === 0) throw new PolicyParseError('missing_statement', 'The Statement array is empty.', 'Statement');
    statementJson.forEach((item, index) => statements.push(parseStatement(item, index, `Statement[${index}]`)));
  } else {
    statements.push(parseStatement(statementJson, 0, 'Statement'));
  }
  return { version, id: optionalString(json, 'Id', ''), statements, sourceLength: text.length };
}

function parseStatement(json: JsonValue, index: number, path: string): PolicyStatement {
  if (!isObject(json)) throw new PolicyParseError('statement_not_object', 'Each statement must be a JSON object.', path);
  for (const key of Object.keys(json)) {
    if (!STATEMENT_ELEMENTS.has(key)) {
      throw new PolicyParseError('unknown_element', `Unknown statement element "${key}".`, joinPath(path, key));
    }
  }
  const effect = json.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyParseError('invalid_effect', `Effect must be "Allow" or "Deny", not ${JSON.stringify(effect ?? null)}.`, joinPath(path, 'Effect'));
  }
  exclusive(json, 'Action', 'NotAction', path, 'missing_action');
  exclusive(json, 'Principal', 'NotPrincipal', path);
  exclusive(json, 'Resource', 'NotResource', path);
  return {
    index,
    path,
    sid: optionalString(json, 'Sid', path),
    effect,
    principal: json.Principal === undefined ? undefined : parsePrincipal(json.Principal, joinPath(path, 'Principal')),
    notPrincipal: json.NotPrincipal === undefined ? undefined : parsePrincipal(json.NotPrincipal, joinPath(path, 'NotPrincipal')),
    action: stringList(json.Action, joinPath(path, 'Action')),
    notAction: stringList(json.NotAction, joinPath(path, 'NotAction')),
    resource: stringList(json.Resource, joinPath(path, 'Resource')),
    notResource: stringList(json.NotResource, joinPath(path, 'NotResource')),
    conditions: json.Condition === undefined ? [] : parseConditions(json.Condition, joinPath(path, 'Condition')),
  };
}

/** `missing`: the code when neither form is there (absent: both may be left out). */
function exclusive(json: { [key: string]: JsonValue }, positive: string, negative: string, path: string, missing?: ErrorCode): void {
  if (json[positive] !== undefined && json[negative] !== undefined) {
    throw new PolicyParseError('conflicting_elements', `A statement has either ${positive} or ${negative}, not both.`, joinPath(path, negative));
  }
  if (missing !== undefined && json[positive] === undefined && json[negative] === undefined) {
    throw new PolicyParseError(missing, `The statement has neither ${positive} nor ${negative}.`, path);
  }
}

function parsePrincipal(json: JsonValue, path: string): PrincipalSpec {
  if (json === '*') return '*';
  if (!isObject(json)) {
    throw new PolicyParseError('invalid_principal', 'A principal is "*" or an object such as {"Federated": "arn:…"}.', path);
  }
  const spec: Partial<Record<PrincipalKind, readonly string[]>> = {};
  for (const [kind, value] of Object.entries(json)) {
    if (!PRINCIPAL_KINDS.includes(kind as PrincipalKind)) {
      throw new PolicyParseError('invalid_principal', `Unknown principal type "${kind}" (expected AWS, Federated, Service or CanonicalUser).`, joinPath(path, kind));
    }
    spec[kind as PrincipalKind] = stringList(value, joinPath(path, kind)) ?? [];
  }
  if (Object.keys(spec).length === 0) throw new PolicyParseError('invalid_principal', 'The principal names nobody.', path);
  return spec;
}

function parseConditions(json: JsonValue, path: string): PolicyCondition[] {
  if (!isObject(json)) throw new PolicyParseError('invalid_condition', 'Condition must be an object of operators.', path);
  const conditions: PolicyCondition[] = [];
  for (const [operator, block] of Object.entries(json)) {
    const operatorPath = joinPath(path, operator);
    if (parseConditionOperator(operator) === undefined) {
      throw new PolicyParseError('unknown_condition_operator', `Unknown condition operator "${operator}".`, operatorPath);
    }
    if (!isObject(block)) {
      throw new PolicyParseError('invalid_condition', `${operator} must map condition keys to values.`, operatorPath);
    }
    for (const [key, value] of Object.entries(block)) {
      const keyPath = joinPath(operatorPath, key);
      const values = conditionValues(value, keyPath);
      conditions.push({ operator, key, values, path: keyPath });
    }
  }
  return conditions;
}

function conditionValues(value: JsonValue, path: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    const itemPath = Array.isArray(value) ? joinPath(path, index) : path;
    throw new PolicyParseError('invalid_condition_value', 'Condition values are strings, numbers or booleans.', itemPath);
  });
}

function stringList(value: JsonValue | undefined, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    if (typeof item !== 'string') {
      throw new PolicyParseError('invalid_element_value', 'Expected a string or an array of strings.', Array.isArray(value) ? joinPath(path, index) : path);
    }
    return item;
  });
}

function optionalString(json: { [key: string]: JsonValue }, key: string, path: string): string | undefined {
  const value = json[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new PolicyParseError('invalid_element_value', `${key} must be a string.`, joinPath(path, key));
  return value;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
