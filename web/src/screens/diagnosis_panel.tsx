import { useState, type ReactNode } from 'react';
import type { Diagnosis } from '../api/types';
import { CopyBlock, CopyButton } from '../ui/copy_button';
import { lineDiff } from '../ui/line_diff';

/**
 * The doctor's diagnosis, rendered from its plain JSON: the failing condition with actual vs required, every other
 * finding, the corrected statement as a diff against what the role holds now, and STS's answer verbatim.
 */
export function DiagnosisPanel({ diagnosis }: { diagnosis: Diagnosis }): ReactNode {
  const [pasted, setPasted] = useState('');
  // A Deny narrowed or a statement added: the whole document is the fix, not one statement.
  const wholeDocument = diagnosis.offeredFix?.status === 'proven' && diagnosis.offeredFix.scope === 'document' && diagnosis.correctedDocument !== undefined;
  const offered = wholeDocument ? diagnosis.correctedDocument : diagnosis.correctedStatement;
  const corrected = offered ? JSON.stringify(offered, null, 2) : undefined;
  const current = currentStatementOf(pasted, wholeDocument);
  return (
    <section role="region" aria-labelledby="diagnosis-title" className="diagnosis">
      <h3 id="diagnosis-title">Diagnosis</h3>
      <p className="diagnosis-cause">
        <code className="error-code">{diagnosis.code}</code> {diagnosis.cause}
      </p>
      <dl className="facts">
        <dt>Failing setting</dt>
        <dd>
          <mark>{diagnosis.setting}</mark>
        </dd>
        <dt>Actual</dt>
        <dd>
          <code className="actual">{diagnosis.actual ?? '(absent or unknown)'}</code>
        </dd>
        <dt>Required</dt>
        <dd>
          <code className="expected">{diagnosis.expected ?? '(remove it)'}</code> {diagnosis.expected ? <CopyButton text={diagnosis.expected} label="Copy required value" /> : null}
        </dd>
        <dt>Fix</dt>
        <dd>{diagnosis.fix}</dd>
        <dt>How the doctor knows</dt>
        <dd>
          {diagnosis.basis === 'trust_policy' ? 'evaluated the role’s trust policy with the token’s claims' : diagnosis.basis === 'sts_error' ? 'STS said so outright' : 'inferred from STS’s answer and the token'}
          {diagnosis.confirm ? ` — to confirm: ${diagnosis.confirm}` : ''}
          {diagnosis.transient ? ' (transient: retrying later may succeed)' : ''}
        </dd>
      </dl>
      {diagnosis.findings.length > 1 ? (
        <>
          <h4>Every fault found</h4>
          <ol>
            {diagnosis.findings.map((finding, index) => (
              <li key={`${finding.code}-${index}`}>
                <code>{finding.code}</code> {finding.cause} <em>{finding.setting}</em>: actual <code>{finding.actual ?? '—'}</code>, required <code>{finding.expected ?? '(remove)'}</code>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {corrected ? (
        <>
          <h4>{wholeDocument ? 'Corrected trust policy (replace the whole policy)' : 'Corrected trust-policy statement'}</h4>
          <label htmlFor="current-trust-policy">The role's trust policy now (optional: paste it to see the change as a diff)</label>
          <textarea id="current-trust-policy" rows={4} value={pasted} onChange={(event) => setPasted(event.target.value)} spellCheck={false} />
          {current ? (
            <pre className="diff" tabIndex={0} aria-label="Difference between the current and the corrected statement">
              {lineDiff(current, corrected).map((line, index) => (
                <span key={index} className={`diff-${line.kind}`}>
                  {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                  {line.text}
                  {'\n'}
                </span>
              ))}
            </pre>
          ) : null}
          <CopyBlock text={corrected} label={wholeDocument ? 'Corrected trust policy' : 'Corrected statement'} />
        </>
      ) : null}
      {diagnosis.offeredFix?.status === 'none' ? (
        <p className="no-fix">
          <strong>No automatic fix:</strong> {diagnosis.offeredFix.reason}
        </p>
      ) : null}
      {diagnosis.packedSize ? (
        <>
          <h4>What went into the packed session</h4>
          <pre className="verbatim" tabIndex={0} aria-label="Packed session size">
            {JSON.stringify(diagnosis.packedSize, null, 2)}
          </pre>
        </>
      ) : null}
      {diagnosis.sts ? (
        <>
          <h4>STS answered</h4>
          <pre className="verbatim" tabIndex={0} aria-label="STS answer verbatim">
            {`${diagnosis.sts.operation} (step ${diagnosis.sts.step}) ${diagnosis.sts.roleArn}\n${diagnosis.sts.code}: ${diagnosis.sts.message}${diagnosis.sts.requestId ? `\nRequestId: ${diagnosis.sts.requestId}` : ''}`}
          </pre>
        </>
      ) : null}
    </section>
  );
}

/** The web-identity statement of a pasted trust policy (or the pasted statement itself); undefined until it parses. */
function currentStatementOf(text: string, wholeDocument = false): string | undefined {
  if (!text.trim()) return undefined;
  try {
    const parsed = JSON.parse(text) as { Statement?: unknown };
    if (wholeDocument) return JSON.stringify(parsed, null, 2);
    const statements = Array.isArray(parsed.Statement) ? (parsed.Statement as Array<Record<string, unknown>>) : parsed.Statement ? [parsed.Statement as Record<string, unknown>] : [parsed as Record<string, unknown>];
    const webIdentity = statements.find((statement) => JSON.stringify(statement.Action ?? '').includes('AssumeRoleWithWebIdentity')) ?? statements[0];
    return JSON.stringify(webIdentity, null, 2);
  } catch {
    return undefined;
  }
}
