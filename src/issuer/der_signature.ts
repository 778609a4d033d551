/**
 * KMS returns ECDSA signatures DER-encoded (`SEQUENCE { INTEGER r, INTEGER s }`); JWS wants the fixed-width
 * `r || s` (RFC 7518 §3.4), each integer left-padded to the curve size (32 bytes for P-256).
 */
export function derToJoseSignature(der: Uint8Array, size = 32): Buffer {
  const bytes = Buffer.from(der);
  let offset = 0;
  const expect = (tag: number): number => {
    if (bytes[offset++] !== tag) throw new Error('not a DER ECDSA signature');
    let length = bytes[offset++] as number;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = (length << 8) | (bytes[offset++] as number);
    }
    if (offset + length > bytes.length) throw new Error('not a DER ECDSA signature');
    return length;
  };
  expect(0x30);
  const integer = (): Buffer => {
    const length = expect(0x02);
    let value = bytes.subarray(offset, offset + length);
    offset += length;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw new Error('ECDSA integer longer than the curve size');
    return Buffer.concat([Buffer.alloc(size - value.length), value]);
  };
  const r = integer();
  const s = integer();
  return Buffer.concat([r, s]);
}
