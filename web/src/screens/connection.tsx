import { useEffect, useRef, useState, type ReactNode } from 'react';
import { call } from '../api/client';
import type { Connection, ConnectionTestRecord, ConnectionTestResult, Tenant } from '../api/types';
import { Link, navigate, useLocationPath } from '../router';
import { useCan } from '../session';
import { formatTime } from '../ui/age';
import { Empty, ErrorNote, Loading } from '../ui/states';
import { useAction } from '../ui/use_action';
import { useApi } from '../ui/use_api';
import { DbAuthPanel } from './db_auth_panel';
import { DiagnosisPanel } from './diagnosis_panel';

/** One connection: its settings, "Test connection" (the doctor), the latest result and the test history. */
export function ConnectionScreen({ tenant, name }: { tenant: Tenant; name: string }): ReactNode {
  const can = useCan(tenant.id);
  const params = { tenant: tenant.id, connection: name };
  const connection = useApi((signal) => call<Connection>('getConnection', { params, signal }), `connection:${tenant.id}:${name}`);
  const history = useApi((signal) => call<{ tests: ConnectionTestRecord[] }>('listConnectionTests', { params, query: { limit: 20 }, signal }), `tests:${tenant.id}:${name}`);
  const [result, setResult] = useState<ConnectionTestResult | undefined>();
  const testing = useAction(() => call<ConnectionTestResult>('testConnection', { params, body: {} }));
  const { busy, error } = testing;

  const path = useLocationPath();
  const started = useRef(false);

  const test = async (): Promise<void> => {
    const answer = await testing.run();
    if (!answer) return;
    setResult(answer);
    history.reload();
  };

  // "Test connection" in a list opens this page with ?run=test: run it once, and drop the parameter so a reload does not.
  useEffect(() => {
    if (started.current || !path.includes('run=test') || !can.operate) return;
    started.current = true;
    navigate(path.split('?')[0] as string, true);
    void test();
  });

  return (
    <section aria-labelledby="connection-heading">
      <p className="breadcrumb">
        <Link to={`/tenants/${encodeURIComponent(tenant.id)}/connections`}>Connections</Link> / {name}
      </p>
      <h2 id="connection-heading">Connection {name}</h2>
      {connection.loading && !connection.data ? <Loading what="the connection" /> : null}
      <ErrorNote error={connection.error} />
      {connection.data ? (
        <dl className="facts">
          <dt>Role ARN</dt>
          <dd>
            <code>{connection.data.roleArn}</code>
          </dd>
          <dt>Region</dt>
          <dd>{connection.data.region}</dd>
          <dt>Token config</dt>
          <dd>{connection.data.tokenConfig}</dd>
          <dt>Hops</dt>
          <dd>
            {connection.data.chain.length === 0
              ? 'none'
              : connection.data.chain.map((hop, index) => (
                  <div key={index}>
                    {index + 1}. <code>{hop.roleArn}</code>
                    {hop.externalId ? (
                      <>
                        {' '}
                        ExternalId <code>{hop.externalId}</code>
                      </>
                    ) : null}
                  </div>
                ))}
          </dd>
          <dt>Verified</dt>
          <dd>{connection.data.verified ? formatTime(connection.data.verifiedAt) : 'no'}</dd>
        </dl>
      ) : null}

      {can.operate ? (
        <p>
          <button type="button" onClick={() => void test()} disabled={busy}>
            Test connection
          </button>
          {busy ? (
            <span role="status" className="hint">
              {' '}
              Testing: token, issuer, STS, probes…
            </span>
          ) : null}
        </p>
      ) : (
        <p className="read-only">Your role may read this connection; testing needs operator.</p>
      )}
      <ErrorNote error={error} />
      {result ? <TestResult result={result} /> : null}
      {connection.data ? <DbAuthPanel tenant={tenant} connection={name} /> : null}

      <h3>Test history</h3>
      {history.loading && !history.data ? <Loading what="test history" /> : null}
      <ErrorNote error={history.error} />
      {history.data && history.data.tests.length === 0 ? <Empty>Not tested yet.</Empty> : null}
      {history.data && history.data.tests.length > 0 ? (
        <table>
          <caption>Every test of this connection, newest first (drift shows as a change of result)</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Trigger</th>
              <th scope="col">Result</th>
              <th scope="col">Diagnosis</th>
              <th scope="col">Accepted probes</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {history.data.tests.map((run) => (
              <tr key={run.id}>
                <td>{formatTime(run.testedAt)}</td>
                <td>{run.trigger}</td>
                <td>
                  <span className={run.ok ? 'badge ok' : 'badge failed'}>{run.ok ? 'ok' : 'failed'}</span>
                </td>
                <td>{run.diagnosisCode ? <code>{run.diagnosisCode}</code> : '—'}</td>
                <td>{run.acceptedProbes.length ? run.acceptedProbes.join(', ') : 'none'}</td>
                <td>{run.durationMs} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function TestResult({ result }: { result: ConnectionTestResult }): ReactNode {
  const stsStep = result.steps.find((step) => step.name.startsWith('assume_role') && step.data);
  return (
    <section aria-labelledby="test-result-heading" className="panel">
      <h3 id="test-result-heading">
        Test result: <span className={result.ok ? 'badge ok' : 'badge failed'}>{result.ok ? 'ok' : 'failed'}</span>
        {result.workload ? <span className="hint"> (as workload {result.workload})</span> : null}
      </h3>
      <ol className="steps" aria-label="Steps">
        {result.steps.map((step, index) => (
          <li key={`${step.name}-${index}`} className={`step step-${step.status}`}>
            <span className={`badge ${step.status}`}>{step.status}</span> <strong>{step.name}</strong>
            {step.durationMs !== undefined ? <span className="hint"> {step.durationMs} ms</span> : null}
            {step.detail ? <div>{step.detail}</div> : null}
          </li>
        ))}
      </ol>
      {result.diagnosis ? <DiagnosisPanel diagnosis={result.diagnosis} /> : null}
      {result.warnings && result.warnings.length > 0 ? (
        <div className="warning-note">
          <h4>Warnings (the test still passes)</h4>
          <ul>
            {result.warnings.map((warning, index) => (
              <li key={`${warning.code}-${index}`}>
                <code className="error-code">{warning.code}</code> {warning.cause} {warning.fix}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.changes && result.changes.length > 0 ? (
        <>
          <h4>Changes since the previous test</h4>
          <ul>
            {result.changes.map((change, index) => (
              <li key={index}>
                <code>{JSON.stringify(change)}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h4>Probes (tokens the role must refuse)</h4>
      {result.probes.length === 0 ? (
        <Empty>No probes ran (they run after a successful exchange).</Empty>
      ) : (
        <table>
          <caption>Negative probes</caption>
          <thead>
            <tr>
              <th scope="col">Probe</th>
              <th scope="col">Outcome</th>
              <th scope="col">Severity</th>
              <th scope="col">Subject / audience</th>
              <th scope="col">Session name</th>
              <th scope="col">STS</th>
            </tr>
          </thead>
          <tbody>
            {result.probes.map((probe) => (
              <tr key={probe.probe}>
                <td>{probe.probe}</td>
                <td>
                  <span className={probe.status === 'refused' ? 'badge ok' : probe.status === 'accepted' ? 'badge failed' : 'badge skipped'}>{probe.status}</span>
                </td>
                <td>{probe.status === 'accepted' ? 'critical: the role trusts more than this workload' : probe.status === 'refused' ? 'none' : 'unknown'}</td>
                <td>
                  <code>{probe.probe === 'wrong_audience' && probe.audience ? `aud ${probe.audience}` : (probe.subject ?? '—')}</code>
                </td>
                <td>{probe.sessionName ? <code>{probe.sessionName}</code> : '—'}</td>
                <td>{probe.stsCode ?? probe.detail ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {stsStep?.data ? (
        <>
          <h4>STS answer (as the doctor recorded it)</h4>
          <pre className="verbatim" tabIndex={0} aria-label="STS answer">
            {JSON.stringify(stsStep.data, null, 2)}
          </pre>
        </>
      ) : null}
    </section>
  );
}
