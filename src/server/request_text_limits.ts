import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '../core/index.js';

/** Deepest nesting a request body may have: policy documents and claims need a handful of levels. */
export const MAX_BODY_DEPTH = 32;

function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/**
 * preValidation: a NUL byte in the path or query is never a valid id, name or filter, and PostgreSQL cannot even
 * compare one with a text column; refuse it up front (400) on both databases alike.
 */
export function refuseNulInUrl(request: FastifyRequest): void {
  const url = request.raw.url ?? '';
  if (/%00/i.test(url) || hasNul(url)) {
    throw new InvalidInputError('invalid_characters', 'The request path or query contains a NUL byte (%00).');
  }
}

/**
 * preValidation: walks the parsed body without recursion (a body nested thousands of levels deep must not be
 * able to overflow a stack here or later) and refuses NUL bytes in any string or key, and nesting deeper than
 * MAX_BODY_DEPTH, each with a 400 naming where.
 */
export function refuseUnsafeBody(request: FastifyRequest): void {
  const root = request.body;
  if (root === null || typeof root !== 'object') {
    if (typeof root === 'string' && hasNul(root)) throw nulAt('body');
    return;
  }
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: root, depth: 1, path: 'body' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop() as { value: unknown; depth: number; path: string };
    if (depth > MAX_BODY_DEPTH) {
      throw new InvalidInputError('json_too_deep', `The request body nests deeper than ${MAX_BODY_DEPTH} levels (at ${path.slice(0, 200)}).`, {
        maxDepth: MAX_BODY_DEPTH,
      });
    }
    const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value as object);
    for (const [key, item] of entries) {
      if (hasNul(key)) throw nulAt(`${path} (a key)`);
      const itemPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
      if (typeof item === 'string') {
        if (hasNul(item)) throw nulAt(itemPath);
      } else if (item !== null && typeof item === 'object') {
        stack.push({ value: item, depth: depth + 1, path: itemPath });
      }
    }
  }
}

function nulAt(path: string): InvalidInputError {
  return new InvalidInputError('invalid_characters', `${path.slice(0, 200)} contains a NUL byte (\\u0000), which no field accepts.`, { path: path.slice(0, 200) });
}
