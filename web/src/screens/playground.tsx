import { useState, type ReactNode } from 'react';
import { call } from '../api/client';
import type { LintFinding, PolicyEvaluation } from '../api/types';
import { ErrorNote } from '../ui/states';

const EXAMPLE_POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8080/t/acme' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { '127.0.0.1:8080/t/acme:aud': 'sts.amazonaws.com', '127.0.0.1:8080/t/acme:sub': 'tenant:acme:deployment:prod:component:api' } },
      },
    ],
  },
  null,
  2,
);
const EXAMPLE_CLAIMS = JSON.stringify({ iss: 'http://127.0.0.1:8080/t/acme', aud: 'sts.amazonaws.com', sub: 'tenant:acme:deployment:prod:component:api' }, null, 2);

/** Paste a trust policy and a token or claims: the decision explained per statement and condition, and lint findings. */
export function PlaygroundScreen(): ReactNode {
  const [policy, setPolicy] = useState(EXAMPLE_POLICY);
  const [input, setInput] = useState(EXAMPLE_CLAIMS);
  const [evaluation, setEvaluation] = useState<PolicyEvaluation | undefined>();
  const [findings, setFindings] = useState<LintFinding[] | undefined>();
  const [error, setError] = useState<unknown>();

  const simulate = async (): Promise<void> => {
    setError(undefined);
    try {
      const trimmed = input.trim();
      const subject = trimmed.startsWith('{') ? { claims: JSON.parse(trimmed) as Record<string, unknown> } : { token: trimmed };
      setEvaluation(await call<PolicyEvaluation>('simulatePolicy', { body: { policy, ...subject } }));
    } catch (caught) {
      setError(caught instanceof SyntaxError ? new Error('The claims are not valid JSON.') : caught);
    }
  };
  const lint = async (): Promise<void> => {
    setError(undefined);
    try {
      setFindings((await call<{ findings: LintFinding[] }>('lintPolicy', { body: { policy } })).findings);
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <>
      <h1>Policy playground</h1>
      <div className="two-columns">
        <div>
          <label htmlFor="pg-policy">Trust policy (JSON)</label>
          <textarea id="pg-policy" rows={18} value={policy} onChange={(event) => setPolicy(event.target.value)} spellCheck={false} />
        </div>
        <div>
          <label htmlFor="pg-input">Token (JWT) or claims (JSON)</label>
          <textarea id="pg-input" rows={18} value={input} onChange={(event) => setInput(event.target.value)} spellCheck={false} />
        </div>
      </div>
      <p>
        <button type="button" onClick={() => void simulate()}>
          Simulate
        </button>{' '}
        <button type="button" className="secondary" onClick={() => void lint()}>
          Lint
        </button>
      </p>
      <ErrorNote error={error} />
      {evaluation ? (
        <section aria-labelledby="pg-decision">
          <h2 id="pg-decision">
            Decision: <span className={evaluation.decision === 'Allowed' ? 'badge ok' : 'badge failed'}>{evaluation.decision}</span>
          </h2>
          <p>{evaluation.summary}</p>
          {evaluation.statements.map((statement) => (
            <div key={statement.index} className="panel">
              <h3>
                {statement.path}
                {statement.sid ? ` (${statement.sid})` : ''}: {statement.effect}, {statement.applies ? 'applies' : 'does not apply'}
              </h3>
              <p>{statement.explanation}</p>
              <ul>
                <li>Principal: {statement.principal.explanation}</li>
                <li>Action: {statement.action.explanation}</li>
              </ul>
              {statement.conditions.length > 0 ? (
                <table>
                  <caption>Conditions of {statement.path}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Path</th>
                      <th scope="col">Key</th>
                      <th scope="col">Matched</th>
                      <th scope="col">Actual</th>
                      <th scope="col">Required</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {statement.conditions.map((condition) => (
                      <tr key={condition.path + condition.key} className={condition.matched ? '' : 'failing'}>
                        <td>
                          <code>{condition.path}</code>
                        </td>
                        <td>
                          <code>{condition.key}</code>
                        </td>
                        <td>{condition.matched ? 'yes' : 'no'}</td>
                        <td>
                          <code>{JSON.stringify(condition.contextValue)}</code>
                        </td>
                        <td>
                          <code>{JSON.stringify(condition.requiredValues)}</code>
                        </td>
                        <td>{condition.explanation}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </div>
          ))}
        </section>
      ) : null}
      {findings ? (
        <section aria-labelledby="pg-lint">
          <h2 id="pg-lint">Lint findings</h2>
          {findings.length === 0 ? <p>No findings.</p> : null}
          <ul className="findings">
            {findings.map((finding, index) => (
              <li key={index} className={`finding-${finding.severity}`}>
                <span className={`badge ${finding.severity === 'error' ? 'failed' : finding.severity === 'warning' ? 'warning' : 'skipped'}`}>{finding.severity}</span> at{' '}
                <code>{finding.path || '(document)'}</code>: <code>{finding.code}</code> {finding.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
