// The arrows between rooms (top-level folders of src/) are checked, not hoped for.
// 1. A room is entered only through its index.ts: `../issuer/index.js`, never `../issuer/key_ring.js`.
// 2. Each room imports only the rooms listed for it below; a new room is added here with its arrows.
// 3. Pure rooms (core, claims, policy) import no package and no node: builtin: no I/O, no clock.
// 4. src/emulator knows rolebridge only over HTTP, as AWS does; src/setup runs on the customer's laptop and
//    reaches rolebridge only over its API (never the issuer, the store or the server); the broker (the
//    credentials hot path) never loads the doctor.
import path from 'node:path';

const srcRoot = path.resolve(import.meta.dirname, '..', 'src');

/** Which rooms each room may import (besides itself). */
export const allowedRooms = {
  core: [],
  claims: ['core'],
  policy: ['core', 'claims'],
  config: ['core'],
  store: ['core'],
  aws: ['core'],
  issuer: ['core', 'claims', 'store'],
  broker: ['core', 'aws', 'store'],
  connections: ['core', 'claims', 'aws', 'broker', 'store'],
  db_auth: ['core', 'aws', 'broker'],
  doctor: ['core', 'claims', 'policy', 'aws', 'broker', 'connections', 'issuer', 'store'],
  setup: ['core', 'claims', 'policy', 'aws'],
  access: ['core', 'claims', 'config', 'store', 'issuer'],
  emulator: ['core', 'claims', 'policy'],
  server: ['core', 'claims', 'policy', 'config', 'store', 'issuer', 'access', 'broker', 'connections', 'doctor', 'db_auth', 'setup'],
  runtime: ['core', 'claims', 'config', 'store', 'issuer', 'access', 'aws', 'broker', 'connections', 'doctor', 'db_auth', 'server'],
  cli: ['core', 'claims', 'policy', 'config', 'aws', 'setup', 'doctor', 'emulator', 'runtime', 'server'],
};

/**
 * Arrows allowed for `import type` only: erased at build time, so nothing of the target room is loaded.
 * Set-up reads the doctor's answer from the API and types it with the doctor's own result type.
 */
export const typeOnlyRooms = {
  setup: ['doctor'],
};

// Pure rooms may not import packages or builtins at all.
const pureRooms = new Set(['core', 'claims', 'policy']);

function roomOf(file) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const [room] = rel.split(path.sep);
  return room && !room.includes('.') ? room : undefined;
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((specifier) => specifier.importKind === 'type' || specifier.exportKind === 'type');
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the architecture: rooms talk through index.ts along the allowed arrows, pure rooms stay pure.' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const fromRoom = roomOf(file);
    if (!fromRoom) return {};

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (!spec.startsWith('.')) {
        if (pureRooms.has(fromRoom)) {
          context.report({ node, message: `src/${fromRoom} is pure: it may not import '${spec}' (packages and builtins mean I/O or weight).` });
        }
        return;
      }
      const target = path.resolve(path.dirname(file), spec);
      const toRoom = roomOf(target);
      if (!toRoom) {
        context.report({ node, message: `'${spec}' reaches outside src/.` });
        return;
      }
      if (toRoom === fromRoom) return;
      const rel = path.relative(path.join(srcRoot, toRoom), target);
      if (rel !== 'index.js' && rel !== 'index.ts' && rel !== 'index') {
        context.report({ node, message: `Import src/${toRoom} through its index.ts, not '${spec}'.` });
      }
      const allowed = allowedRooms[fromRoom];
      if (!allowed) {
        context.report({ node, message: `src/${fromRoom} is not a known room: add it and its arrows to eslint-rules/rooms.js.` });
        return;
      }
      if (allowed.includes(toRoom)) return;
      if (typeOnlyRooms[fromRoom]?.includes(toRoom) && isTypeOnly(node)) return;
      context.report({ node, message: `src/${fromRoom} may not depend on src/${toRoom}.` });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { rooms: rule } };
