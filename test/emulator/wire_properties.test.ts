import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/emulator/index.js';
import { ConstraintChecker, PATTERNS } from '../../src/emulator/constraints.js';
import { renderErrorXml, renderSuccessXml } from '../../src/emulator/xml_response.js';

// Characters XML 1.0 can carry (AWS values are printable text; control characters cannot appear in XML).
const xmlText = fc.string({ unit: fc.constantFrom(...'abcXYZ019 <>&"\'=/:;.-_+@,{}[]\u00e9\u4e2d'.split('')), maxLength: 40 });
const parser = new XMLParser({ parseTagValue: false, trimValues: false, processEntities: true });

describe('wire-format properties', () => {
  it('any text survives a success response: what a client parses is what the action returned', () => {
    fc.assert(
      fc.property(xmlText, xmlText, (subject, audience) => {
        const xml = renderSuccessXml('AssumeRoleWithWebIdentity', 'https://sts.amazonaws.com/doc/2011-06-15/', { SubjectFromWebIdentityToken: subject, Audience: audience }, 'r-1');
        const parsed = parser.parse(xml) as { AssumeRoleWithWebIdentityResponse: { AssumeRoleWithWebIdentityResult: Record<string, string> } };
        const result = parsed.AssumeRoleWithWebIdentityResponse.AssumeRoleWithWebIdentityResult;
        expect(result.SubjectFromWebIdentityToken ?? '').toBe(subject);
        expect(result.Audience ?? '').toBe(audience);
      }),
    );
  });

  it('any error message survives the ErrorResponse envelope', () => {
    fc.assert(
      fc.property(xmlText, (message) => {
        const xml = renderErrorXml(new AwsError('ValidationError', 400, message), 'https://iam.amazonaws.com/doc/2010-05-08/', 'r-2');
        const parsed = parser.parse(xml) as { ErrorResponse: { Error: Record<string, string>; RequestId: string } };
        expect(parsed.ErrorResponse.Error.Message ?? '').toBe(message);
        expect(parsed.ErrorResponse.Error.Type).toBe('Sender');
        expect(parsed.ErrorResponse.RequestId).toBe('r-2');
      }),
    );
  });

  it('a RoleSessionName is accepted exactly when it is 2..64 characters of [\\w+=,.@-]', () => {
    const names = fc.string({ unit: fc.constantFrom(...'aZ09_+=,.@- :/[]é'.split('')), maxLength: 70 });
    fc.assert(
      fc.property(names, (name) => {
        const valid = /^[\w+=,.@-]{2,64}$/.test(name);
        const check = () =>
          new ConstraintChecker().string(name, { member: 'roleSessionName', required: true, min: 2, max: 64, pattern: PATTERNS.roleSessionName }).throwIfAny();
        if (valid) expect(check).not.toThrow();
        else expect(check).toThrow(/^\d validation errors? detected: Value '/);
      }),
    );
  });
});
