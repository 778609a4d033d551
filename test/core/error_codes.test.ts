import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorCodeStatuses, isErrorCode, type ErrorCode } from '../../src/core/index.js';

// The catalogue of error codes is the one list (src/core/error_codes.ts); docs/errors.md is rendered from it.
// Regenerate the page after adding a code: UPDATE_ERROR_CODES_DOC=1 npx vitest run test/core/error_codes.test.ts
const DOC = 'docs/errors.md';

function renderErrorCodesPage(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map(
    (code) => `| \`${code}\` | ${errorCodeStatuses(code).join(', ')} | ${ERROR_CODES[code].meaning.replaceAll('|', '\\|')} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error answer is `{"error": {"code", "message", "details"}}` with the status below; match on `code`, which',
    'never changes (the message may). The CLI prints the message and the code, and exits 2 for a 4xx code, 1 otherwise.',
    'This page is generated from `src/core/error_codes.ts`, the one list of codes; a new code is added there first.',
    '',
    '| code | HTTP status | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// The emulator speaks AWS's codes, not ours; it is not scanned.
const files = sourceFiles('src').filter((file) => !file.startsWith(join('src', 'emulator')) && !file.endsWith(join('core', 'error_codes.ts')));

/** The status each error class answers with (src/core/errors.ts and the subclasses that fix one). */
const CLASS_STATUS: Record<string, number> = {
  InvalidInputError: 400,
  PolicyParseError: 400,
  MasterKeyError: 400,
  NotFoundError: 404,
  ConflictError: 409,
  UnauthenticatedError: 401,
  ForbiddenError: 403,
  UnprocessableError: 422,
  UnavailableError: 503,
};

const CODE_FIRST = new Set(['RolebridgeError', ...Object.keys(CLASS_STATUS)]);

interface Thrown {
  code: string;
  status: number | undefined;
  where: string;
}

/** Every `new <Error>('code', …)` and `super('code', …)` with a literal code, and the status it is thrown with. */
function literalThrows(): Thrown[] {
  const found: Thrown[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      // Classes whose first argument is a code (InvalidTokenError's is a reason, under the one code invalid_token).
      const isNew = ts.isNewExpression(node) && CODE_FIRST.has(node.expression.getText(source));
      const isSuper = ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword;
      const [first, , third] = (isNew || isSuper ? (node as ts.NewExpression | ts.CallExpression).arguments : undefined) ?? [];
      if (first !== undefined && ts.isStringLiteral(first) && /^[a-z]+(_[a-z0-9]+)*$/.test(first.text)) {
        const className = isNew ? (node as ts.NewExpression).expression.getText(source) : 'super';
        const options = third !== undefined && ts.isObjectLiteralExpression(third) ? third : undefined;
        const property = (name: string) =>
          options?.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(source) === name)?.initializer;
        const statusNode = property('status');
        const hidden = property('expose')?.kind === ts.SyntaxKind.FalseKeyword;
        const status = statusNode !== undefined && ts.isNumericLiteral(statusNode) ? Number(statusNode.text) : CLASS_STATUS[className];
        if (!hidden) found.push({ code: first.text, status, where: `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}` });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('the catalogue of error codes', () => {
  it('lists every code thrown with a literal, with the status it is thrown with', () => {
    const thrown = literalThrows();
    expect(thrown.length).toBeGreaterThan(100);
    for (const { code, status, where } of thrown) {
      expect(isErrorCode(code), `${where}: ${code} is not in src/core/error_codes.ts`).toBe(true);
      if (status !== undefined && isErrorCode(code)) expect(errorCodeStatuses(code), `${where}: ${code} thrown with ${status}`).toContain(status);
    }
  });

  it('lists no code that nothing answers with', () => {
    const text = files.map((file) => readFileSync(file, 'utf8')).join('\n');
    const unused = Object.keys(ERROR_CODES).filter((code) => !text.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });

  it('keeps codes snake_case, statuses 4xx/5xx and a one-line meaning each', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(code).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
      for (const status of errorCodeStatuses(code)) expect(status >= 400 && status < 600, `${code}: ${status}`).toBe(true);
      expect(ERROR_CODES[code].meaning, code).toMatch(/^\S.*[.)]$/);
      expect(ERROR_CODES[code].meaning, code).not.toContain('\n');
    }
  });

  it(`is documented in ${DOC}, generated from it`, () => {
    const page = renderErrorCodesPage();
    if (process.env.UPDATE_ERROR_CODES_DOC === '1') writeFileSync(DOC, page);
    expect(readFileSync(DOC, 'utf8'), `${DOC} is stale: UPDATE_ERROR_CODES_DOC=1 npx vitest run test/core/error_codes.test.ts`).toBe(page);
  });
});
