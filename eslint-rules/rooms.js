// The arrows between rooms (top-level folders of src/) are checked, not hoped for.
// 1. A room is entered only through its index.ts: `../issuer/index.js`, never `../issuer/key_ring.js`.
// 2. src/policy is pure: it imports only src/core and its own files (no node: builtins, no packages).
// 3. src/emulator knows rolebridge only over HTTP, as AWS does: no issuer, store, aws, server or cli.
// 4. src/core imports nothing outside itself.
import path from 'node:path';

const srcRoot = path.resolve(import.meta.dirname, '..', 'src');

const forbiddenRooms = {
  core: ['*'],
  policy: ['*'],
  emulator: ['issuer', 'store', 'aws', 'server', 'cli'],
  store: ['issuer', 'aws', 'server', 'cli', 'emulator', 'policy'],
  issuer: ['aws', 'server', 'cli', 'emulator'],
  aws: ['server', 'cli', 'emulator'],
  config: ['issuer', 'store', 'aws', 'server', 'cli', 'emulator', 'policy'],
  server: ['cli', 'emulator'],
  access: ['issuer', 'aws', 'server', 'cli', 'emulator', 'policy'],
};
const allowedFromAnything = new Set(['core']);
// Pure rooms may not import packages or builtins at all.
const pureRooms = new Set(['core', 'policy']);

function roomOf(file) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const [room] = rel.split(path.sep);
  return room && !room.includes('.') ? room : undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the architecture: rooms talk through index.ts, policy is pure, the emulator stays outside.' },
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
      if (allowedFromAnything.has(toRoom) && fromRoom !== 'core') return;
      const forbidden = forbiddenRooms[fromRoom] ?? [];
      if (forbidden.includes('*') || forbidden.includes(toRoom)) {
        context.report({ node, message: `src/${fromRoom} may not depend on src/${toRoom}.` });
      }
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
