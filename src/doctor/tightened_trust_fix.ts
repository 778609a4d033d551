import { parsePolicy, type PolicyJson, type PolicyStatementJson } from '../policy/index.js';
import { correctedTrustStatement } from './corrected_trust_statement.js';
import type { TrustFixOffer } from './corrected_trust_document.js';
import { admitsClaims, proveTrustFix, type FixProof } from './proven_trust_fix.js';
import type { WebIdentityFacts } from './web_identity_context.js';

export interface TightenInput {
  /** The role's trust policy, when known (else the tightened statement is proven alone). */
  trustPolicy?: string | object;
  /** The connection's own token: the identity the tightened statement keeps admitting. */
  facts: WebIdentityFacts;
  /** The claims of the probe the role accepted: the tightened policy must refuse them. */
  admittedProbe: Readonly<Record<string, unknown>>;
  /** The statement to write (default: aud and the exact sub of the connection's token). */
  tightened?: PolicyStatementJson;
  /** Probe claims the tightened policy may still admit (a connection's own scope); default none. */
  mayAdmit?: (claims: Readonly<Record<string, unknown>>) => boolean;
}

/**
 * The fix for `trust_too_broad`, offered only once proven like every other fix: the corrected policy admits
 * the connection's token, refuses the probe that got in and every negative probe (sibling deployment, other
 * tenant, wrong audience) unless the connection's scope admits it, and holds no condition that cannot match.
 * The statement that let the probe in is replaced; when several statements let it in, pasting one statement
 * is not enough, so the whole corrected document is offered (the tightened statement in place of the first,
 * the others removed). When no candidate survives its proof, `offeredFix` says why.
 */
export function offerTightenedTrust(input: TightenInput): TrustFixOffer {
  const { facts, admittedProbe } = input;
  if (facts.subject === undefined || facts.providerArn === '') {
    return none('the token has no sub or its issuer is not an issuer URL IAM accepts, so no statement can safely pin this workload');
  }
  const tightened = input.tightened ?? correctedTrustStatement(undefined, facts);
  const mayAdmit = input.mayAdmit ?? (() => false);
  const prove = (corrected: PolicyJson): FixProof => {
    if (admitsClaims(corrected, facts, admittedProbe) && !mayAdmit(admittedProbe)) {
      return { ok: false, reason: `it would still admit the probe that got in (sub ${String(admittedProbe.sub)}, aud ${String(admittedProbe.aud)})` };
    }
    return proveTrustFix(corrected, [tightened], facts, { admits: mayAdmit });
  };

  if (input.trustPolicy === undefined) {
    const proof = prove({ Version: '2012-10-17', Statement: [tightened] });
    if (!proof.ok) return none(proof.reason);
    return { correctedStatement: tightened, offeredFix: { status: 'proven', scope: 'statement', refusedProbes: proof.refusedProbes, admittedAsBefore: proof.admittedAsBefore } };
  }

  const source = statementsOf(input.trustPolicy);
  if (source === undefined) return none('the trust policy could not be read back as JSON statements');
  const admitting = source.flatMap((statement, index) => (statement.Effect === 'Allow' && admitsClaims({ Version: '2012-10-17', Statement: [statement] }, facts, admittedProbe) ? [index] : []));
  const first = admitting[0];
  if (first === undefined) return none('no single statement of the trust policy admits the probe on its own, so no statement can be tightened in its place');
  const withSid = source[first]!.Sid === undefined ? tightened : { ...tightened, Sid: source[first]!.Sid };
  const statements = source.flatMap((statement, index) => (index === first ? [withSid] : admitting.includes(index) ? [] : [statement]));
  const corrected: PolicyJson = { Version: '2012-10-17', Statement: statements };
  const proof = prove(corrected);
  if (!proof.ok) return none(`the tightened policy fails its proof with the policy engine: ${proof.reason}; change the policy by hand`);
  const replaces = pathOf(input.trustPolicy, first);
  return {
    correctedStatement: withSid,
    correctedDocument: corrected,
    offeredFix: {
      status: 'proven',
      scope: admitting.length === 1 ? 'statement' : 'document',
      ...(replaces === undefined ? {} : { replaces }),
      refusedProbes: proof.refusedProbes,
      admittedAsBefore: proof.admittedAsBefore,
    },
  };
}

function none(reason: string): TrustFixOffer {
  return { offeredFix: { status: 'none', reason } };
}

function statementsOf(policy: string | object): PolicyStatementJson[] | undefined {
  try {
    const text = typeof policy === 'string' && /^\s*%7B/i.test(policy) ? decodeURIComponent(policy) : policy;
    const value = (typeof text === 'string' ? JSON.parse(text) : text) as { Statement?: unknown };
    const statement = value?.Statement;
    if (statement === undefined || statement === null || typeof statement !== 'object') return undefined;
    return (Array.isArray(statement) ? statement : [statement]) as PolicyStatementJson[];
  } catch {
    return undefined;
  }
}

/** The statement's path as the policy engine names it (`Statement[1]`), read from the engine's own parse. */
function pathOf(policy: string | object, index: number): string | undefined {
  try {
    return parsePolicy(policy).statements[index]?.path;
  } catch {
    return undefined;
  }
}
