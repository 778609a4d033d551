import { useState, type FormEvent, type ReactNode } from 'react';
import { call } from '../api/client';
import type { DbAuthCheck, DbAuthInfo, Tenant, Workload } from '../api/types';
import { useCan } from '../session';
import { formatTime } from '../ui/age';
import { CopyBlock } from '../ui/copy_button';
import { Empty, ErrorNote, Loading } from '../ui/states';
import { useAction } from '../ui/use_action';
import { useApi } from '../ui/use_api';

/** Each field an engine may take: its label, its CLI flag and whether it is a number. */
const FIELDS: Record<string, { label: string; flag: string; numeric?: boolean; hint?: string }> = {
  host: { label: 'Database host', flag: '--host', hint: 'The RDS or Aurora endpoint, without scheme or port' },
  port: { label: 'Port', flag: '--port', numeric: true },
  dbUser: { label: 'Database user', flag: '--db-user' },
  clusterIdentifier: { label: 'Cluster identifier', flag: '--cluster-identifier' },
  workgroupName: { label: 'Workgroup name', flag: '--workgroup-name' },
  dbName: { label: 'Database name', flag: '--db-name' },
  durationSeconds: { label: 'Duration (seconds)', flag: '--duration-seconds', numeric: true },
  region: { label: 'Database region', flag: '--region', hint: "Default: the connection's region" },
};

/**
 * Database auth for one connection, shown only when the server has ROLEBRIDGE_FEATURE_AWS_DATABASE_IAM_AUTH on:
 * the engines and what each needs, a "Get token" check that gets a password as a chosen workload would (the
 * server answers all but the password), and the `rolebridge db-token` command the workload runs.
 */
export function DbAuthPanel({ tenant, connection }: { tenant: Tenant; connection: string }): ReactNode {
  const can = useCan(tenant.id);
  const params = { tenant: tenant.id, connection };
  const info = useApi((signal) => call<DbAuthInfo>('getConnectionDbAuth', { params, signal }), `db-auth:${tenant.id}:${connection}`);
  // Off, or not known: the screen is not shown at all (the API refuses every db-auth request while off).
  if (info.error) return <ErrorNote error={info.error} />;
  if (!info.data) return info.loading ? <Loading what="database auth" /> : null;
  if (!info.data.enabled) return null;
  return (
    <section aria-labelledby="db-auth-heading" className="panel">
      <h3 id="db-auth-heading">Database auth</h3>
      <p className="hint">Workloads get database passwords from IAM through this connection's role chain: RDS/Aurora tokens (postgres, mysql), Redshift and Redshift Serverless credentials.</p>
      <table>
        <caption>Engines and the fields they take</caption>
        <thead>
          <tr>
            <th scope="col">Engine</th>
            <th scope="col">Required</th>
            <th scope="col">Optional</th>
          </tr>
        </thead>
        <tbody>
          {info.data.engines.map((engine) => (
            <tr key={engine.engine}>
              <td>{engine.engine}</td>
              <td>{engine.required.join(', ')}</td>
              <td>{engine.fields.filter((field) => !engine.required.includes(field)).join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {can.operate ? <DbTokenCheck tenant={tenant} connection={connection} info={info.data} /> : <p className="read-only">Your role may read this; getting a token needs operator.</p>}
    </section>
  );
}

function DbTokenCheck({ tenant, connection, info }: { tenant: Tenant; connection: string; info: DbAuthInfo }): ReactNode {
  const workloads = useApi((signal) => call<{ workloads: Workload[] }>('listWorkloads', { params: { tenant: tenant.id }, signal }), `workloads:${tenant.id}`);
  const [engineName, setEngineName] = useState(info.engines[0]?.engine ?? 'postgres');
  const [workload, setWorkload] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [answer, setAnswer] = useState<DbAuthCheck | undefined>();
  const engine = info.engines.find((entry) => entry.engine === engineName) ?? info.engines[0];
  const enabledWorkloads = workloads.data?.workloads.filter((entry) => !entry.disabledAt) ?? [];
  const chosenWorkload = workload || enabledWorkloads[0]?.id || '';
  const fields = engine?.fields.filter((field) => field in FIELDS && values[field] !== undefined && values[field] !== '') ?? [];
  const body = Object.fromEntries(fields.map((field) => [field, FIELDS[field]?.numeric ? Number(values[field]) : values[field]]));
  const missing = engine?.required.filter((field) => !values[field]) ?? [];
  const command = [
    `rolebridge db-token --connection ${connection} --engine ${engineName}`,
    ...fields.map((field) => `${FIELDS[field]?.flag ?? field} ${values[field] ?? ''}`),
  ].join(' ');

  const check = useAction(() =>
    call<DbAuthCheck>('checkConnectionDbAuth', { params: { tenant: tenant.id, connection }, body: { workload: chosenWorkload, engine: engineName, ...body } }),
  );
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setAnswer(await check.run());
  };

  if (workloads.loading && !workloads.data) return <Loading what="workloads" />;
  if (workloads.error) return <ErrorNote error={workloads.error} />;
  if (enabledWorkloads.length === 0) return <Empty>Create a workload to get a database token as it would.</Empty>;
  return (
    <>
      <h4>Get a token as a workload would</h4>
      <form onSubmit={(event) => void submit(event)} className="grid-form">
        <label htmlFor="db-engine">Engine</label>
        <select id="db-engine" value={engineName} onChange={(event) => setEngineName(event.target.value)}>
          {info.engines.map((entry) => (
            <option key={entry.engine} value={entry.engine}>
              {entry.engine}
            </option>
          ))}
        </select>
        <label htmlFor="db-workload">As workload</label>
        <select id="db-workload" value={chosenWorkload} onChange={(event) => setWorkload(event.target.value)}>
          {enabledWorkloads.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.id} ({entry.deployment}/{entry.component})
            </option>
          ))}
        </select>
        {engine?.fields
          .filter((field) => field in FIELDS)
          .map((field) => (
            <FieldInput key={field} field={field} required={engine.required.includes(field)} value={values[field] ?? ''} onChange={(value) => setValues((current) => ({ ...current, [field]: value }))} />
          ))}
        <div />
        <p>
          <button type="submit" disabled={check.busy || missing.length > 0 || !chosenWorkload}>
            Get token
          </button>
          {missing.length > 0 ? <span className="hint"> Needs {missing.map((field) => FIELDS[field]?.label.toLowerCase() ?? field).join(', ')}.</span> : null}
        </p>
      </form>
      <ErrorNote error={check.error} />
      {answer ? (
        <div role="status" aria-label="Database token check">
          <p>
            <span className="badge ok">ok</span> {answer.engine}: user <code>{answer.username}</code>, a {answer.passwordLength}-character password valid until {formatTime(answer.expiresAt)}
            {answer.host ? (
              <>
                {' '}
                for <code>
                  {answer.host}
                  {answer.port ? `:${answer.port}` : ''}
                </code>
              </>
            ) : null}
            . The password itself is given only to the workload.
          </p>
        </div>
      ) : null}
      <h4>The workload's command</h4>
      <CopyBlock text={command} label="db-token command" />
    </>
  );
}

function FieldInput({ field, required, value, onChange }: { field: string; required: boolean; value: string; onChange: (value: string) => void }): ReactNode {
  const spec = FIELDS[field];
  if (!spec) return null;
  const id = `db-${field}`;
  return (
    <>
      <label htmlFor={id}>
        {spec.label}
        {required ? '' : ' (optional)'}
      </label>
      <div>
        <input id={id} value={value} onChange={(event) => onChange(event.target.value)} inputMode={spec.numeric ? 'numeric' : undefined} spellCheck={false} required={required} aria-describedby={spec.hint ? `${id}-hint` : undefined} />
        {spec.hint ? (
          <p id={`${id}-hint`} className="hint">
            {spec.hint}
          </p>
        ) : null}
      </div>
    </>
  );
}
