import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, call } from '../api/client';
import type { ChainHop, Connection, Diagnosis, Tenant, TokenConfig } from '../api/types';
import { Link, navigate } from '../router';
import { ReadOnlyNote, useCan } from '../session';
import { formatTime } from '../ui/age';
import { ListShell } from '../ui/list_shell';
import { ErrorNote } from '../ui/states';
import { useAction } from '../ui/use_action';
import { useApi } from '../ui/use_api';
import { DiagnosisPanel } from './diagnosis_panel';

export function ConnectionsScreen({ tenant }: { tenant: Tenant }): ReactNode {
  const can = useCan(tenant.id);
  const connections = useApi((signal) => call<{ connections: Connection[] }>('listConnections', { params: { tenant: tenant.id }, signal }), `connections:${tenant.id}`);
  const [adding, setAdding] = useState(false);
  const base = `/tenants/${encodeURIComponent(tenant.id)}/connections`;
  return (
    <section aria-labelledby="connections-heading">
      <h2 id="connections-heading">Connections</h2>
      <p className="hint">A connection is a customer's IAM role (and optional AssumeRole hops) that workloads get credentials for.</p>
      <ListShell state={connections} what="connections" items={(data) => data.connections} empty="No connections yet. Add one with the customer's role ARN; it is verified before it is saved.">
        {(rows) => (
          <table>
            <caption>Connections (open one to test it)</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role ARN</th>
                <th scope="col">Region</th>
                <th scope="col">Token config</th>
                <th scope="col">Hops</th>
                <th scope="col">Verified</th>
                {can.operate ? <th scope="col">Doctor</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((connection) => (
                <tr key={connection.name}>
                  <td id={`connection-${connection.name}`}>
                    <Link to={`${base}/${encodeURIComponent(connection.name)}`}>{connection.name}</Link>
                  </td>
                  <td>
                    <code>{connection.roleArn}</code>
                  </td>
                  <td>{connection.region}</td>
                  <td>{connection.tokenConfig}</td>
                  <td>{connection.chain.length}</td>
                  <td>{connection.verified ? `yes, ${formatTime(connection.verifiedAt)}` : 'no'}</td>
                  {can.operate ? (
                    <td>
                      {/* Opens the connection and runs the doctor there, where the steps and any diagnosis show. */}
                      <button type="button" className="secondary" aria-describedby={`connection-${connection.name}`} onClick={() => navigate(`${base}/${encodeURIComponent(connection.name)}?run=test`)}>
                        Test connection
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ListShell>
      {can.change ? (
        adding ? (
          <AddConnection tenant={tenant} onSaved={(name) => navigate(`${base}/${encodeURIComponent(name)}`)} onCancel={() => setAdding(false)} />
        ) : (
          <p>
            <button type="button" onClick={() => setAdding(true)}>
              Add connection
            </button>
          </p>
        )
      ) : (
        <ReadOnlyNote what="connections" />
      )}
    </section>
  );
}

function AddConnection({ tenant, onSaved, onCancel }: { tenant: Tenant; onSaved: (name: string) => void; onCancel: () => void }): ReactNode {
  const configs = useApi((signal) => call<{ tokenConfigs: TokenConfig[] }>('listTokenConfigs', { params: { tenant: tenant.id }, signal }), `token-configs:${tenant.id}`);
  const [name, setName] = useState('');
  const [roleArn, setRoleArn] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const [tokenConfig, setTokenConfig] = useState('');
  const [hops, setHops] = useState<ChainHop[]>([]);
  const chosenConfig = tokenConfig || configs.data?.tokenConfigs[0]?.name || '';
  const arnProblem = roleArn && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(roleArn) ? 'A role ARN looks like arn:aws:iam::123456789012:role/name.' : '';
  const saving = useAction(() => {
    const chain = hops.filter((hop) => hop.roleArn.trim()).map((hop) => ({ roleArn: hop.roleArn.trim(), ...(hop.externalId ? { externalId: hop.externalId } : {}) }));
    return call<Connection>('createConnection', {
      params: { tenant: tenant.id },
      body: { name, roleArn: roleArn.trim(), region, tokenConfig: chosenConfig, ...(chain.length ? { chain } : {}), verify: true },
    });
  });
  const { busy, error } = saving;
  const diagnosis = error instanceof ApiError ? (error.details.diagnosis as Diagnosis | undefined) : undefined;

  const setHop = (index: number, hop: Partial<ChainHop>): void => setHops((current) => current.map((existing, i) => (i === index ? { ...existing, ...hop } : existing)));

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const saved = await saving.run();
    if (saved) onSaved(saved.name);
  };

  return (
    <section aria-labelledby="add-connection-heading" className="panel">
      <h3 id="add-connection-heading">Add a connection</h3>
      <p className="hint">Saving runs a real exchange with STS first; nothing is saved unless the role lets the workload in.</p>
      <form onSubmit={(event) => void save(event)} className="grid-form">
        <label htmlFor="conn-name">Connection name</label>
        <input id="conn-name" value={name} onChange={(event) => setName(event.target.value)} required pattern="[a-z0-9\-]+" />
        <label htmlFor="conn-role">Role ARN</label>
        <div>
          <input id="conn-role" value={roleArn} onChange={(event) => setRoleArn(event.target.value)} required spellCheck={false} aria-invalid={arnProblem ? true : undefined} aria-describedby="conn-role-hint" />
          <p id="conn-role-hint" className={arnProblem ? 'hint invalid' : 'hint'}>
            {arnProblem || 'The customer’s role, assumed with the workload’s web-identity token.'}
          </p>
        </div>
        <label htmlFor="conn-region">Region</label>
        <input id="conn-region" value={region} onChange={(event) => setRegion(event.target.value)} required />
        <label htmlFor="conn-token-config">Token config</label>
        <select id="conn-token-config" value={chosenConfig} onChange={(event) => setTokenConfig(event.target.value)} required>
          {configs.data?.tokenConfigs.length === 0 ? <option value="">(create a token config first)</option> : null}
          {configs.data?.tokenConfigs.map((config) => (
            <option key={config.name} value={config.name}>
              {config.name}
            </option>
          ))}
        </select>
        {hops.map((hop, index) => (
          <fieldset key={index} className="span hop">
            <legend>Hop {index + 1} (AssumeRole)</legend>
            <label htmlFor={`hop-${index}-role`}>Hop {index + 1} role ARN</label>
            <input id={`hop-${index}-role`} value={hop.roleArn} onChange={(event) => setHop(index, { roleArn: event.target.value })} spellCheck={false} />
            <label htmlFor={`hop-${index}-external`}>Hop {index + 1} ExternalId</label>
            <input id={`hop-${index}-external`} value={hop.externalId ?? ''} onChange={(event) => setHop(index, { externalId: event.target.value })} />
            <button type="button" className="secondary" onClick={() => setHops((current) => current.filter((_, i) => i !== index))}>
              Remove hop {index + 1}
            </button>
          </fieldset>
        ))}
        <div />
        <p>
          <button type="button" className="secondary" onClick={() => setHops((current) => [...current, { roleArn: '' }])} disabled={hops.length >= 5}>
            Add hop
          </button>
        </p>
        <div />
        <p>
          <button type="submit" disabled={busy || !name || !roleArn || !chosenConfig}>
            Save connection
          </button>{' '}
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
          {busy ? (
            <span role="status" className="hint">
              {' '}
              Verifying with STS…
            </span>
          ) : null}
        </p>
      </form>
      {error instanceof ApiError ? (
        <div className="error-note" role="alert">
          <p className="error-title">
            Not saved <code className="error-code">{error.code}</code>
          </p>
          <p>{error.message}</p>
          {typeof error.details.stsMessage === 'string' ? (
            <p>
              STS: <code>{String(error.details.stsCode ?? '')}</code> {error.details.stsMessage}
            </p>
          ) : null}
        </div>
      ) : (
        <ErrorNote error={error} />
      )}
      {diagnosis ? <DiagnosisPanel diagnosis={diagnosis} /> : null}
    </section>
  );
}
