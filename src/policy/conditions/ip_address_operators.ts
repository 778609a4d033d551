import type { ConditionOperator } from './condition_operator.js';

/** An address as 8 or 32 bits per group: IPv4 as 4 octets, IPv6 as 8 hextets. */
interface ParsedAddress {
  readonly version: 4 | 6;
  readonly groups: readonly number[];
}

function parseIpv4(text: string): ParsedAddress | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  return { version: 4, groups: parts.map(Number) };
}

function parseIpv6(text: string): ParsedAddress | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (!v4) return undefined;
        groups.push((v4.groups[0]! << 8) | v4.groups[1]!, (v4.groups[2]! << 8) | v4.groups[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) groups.push(parseInt(piece, 16));
      else return undefined;
    }
    return groups;
  };
  const head = toGroups(halves[0]!);
  const tail = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return { version: 6, groups: [...head, ...new Array<number>(missing).fill(0), ...tail] };
}

function parseAddress(text: string): ParsedAddress | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Compiles `203.0.113.0/24` or `2001:db8::/32` (or a bare address) into a membership test. */
function cidrMatcher(policyValue: string): (value: string) => boolean {
  const [addressText = '', prefixText] = policyValue.trim().split('/');
  const network = parseAddress(addressText);
  if (!network) return () => false;
  const bitsPerGroup = network.version === 4 ? 8 : 16;
  const totalBits = bitsPerGroup * network.groups.length;
  const prefix = prefixText === undefined ? totalBits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > totalBits) return () => false;
  return (value) => {
    const address = parseAddress(value.trim());
    if (!address || address.version !== network.version) return false;
    let remaining = prefix;
    for (let index = 0; index < network.groups.length && remaining > 0; index += 1) {
      const bits = Math.min(bitsPerGroup, remaining);
      const mask = ((1 << bits) - 1) << (bitsPerGroup - bits);
      if ((address.groups[index]! & mask) !== (network.groups[index]! & mask)) return false;
      remaining -= bits;
    }
    return true;
  };
}

export const ipAddressOperators: readonly ConditionOperator[] = [
  { name: 'IpAddress', family: 'IpAddress', negated: false, compile: cidrMatcher },
  { name: 'NotIpAddress', family: 'IpAddress', negated: true, compile: cidrMatcher },
];
