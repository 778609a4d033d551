import { useState, type FormEvent, type ReactNode } from 'react';
import { call } from '../api/client';
import type { Connection, Tenant, Workload } from '../api/types';
import { ReadOnlyNote, useCan } from '../session';
import { formatTime } from '../ui/age';
import { CopyBlock } from '../ui/copy_button';
import { ListShell } from '../ui/list_shell';
import { ErrorNote } from '../ui/states';
import { useAction } from '../ui/use_action';
import { useApi } from '../ui/use_api';
import { workloadSnippets } from '../ui/workload_snippets';

export function WorkloadsScreen({ tenant }: { tenant: Tenant }): ReactNode {
  const can = useCan(tenant.id);
  const workloads = useApi((signal) => call<{ workloads: Workload[] }>('listWorkloads', { params: { tenant: tenant.id }, signal }), `workloads:${tenant.id}`);
  const [created, setCreated] = useState<Workload | undefined>();
  const [disabling, setDisabling] = useState<Workload | undefined>();
  return (
    <section aria-labelledby="workloads-heading">
      <h2 id="workloads-heading">Workloads</h2>
      <p className="hint">A workload is one deployment's component; its secret gets it tokens and AWS credentials.</p>
      {created ? <CreatedWorkload tenant={tenant} workload={created} onDone={() => setCreated(undefined)} /> : null}
      <ListShell state={workloads} what="workloads" items={(data) => data.workloads} empty="No workloads yet.">
        {(rows) => (
          <table>
            <caption>Workloads (secrets are never shown again)</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Deployment</th>
                <th scope="col">Component</th>
                <th scope="col">Region</th>
                <th scope="col">Subject (default token config)</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                {can.change ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((workload) => (
                <tr key={workload.id}>
                  <td>
                    <code>{workload.id}</code>
                  </td>
                  <td>{workload.deployment}</td>
                  <td>{workload.component}</td>
                  <td>{workload.region ?? '—'}</td>
                  <td>{workload.subject ? <code>{workload.subject}</code> : '—'}</td>
                  <td>{formatTime(workload.createdAt)}</td>
                  <td>{workload.disabledAt ? <span className="badge failed">disabled {formatTime(workload.disabledAt)}</span> : <span className="badge ok">enabled</span>}</td>
                  {can.change ? (
                    <td>
                      {workload.disabledAt ? null : (
                        <button type="button" className="danger" onClick={() => setDisabling(workload)}>
                          Disable {workload.id}
                        </button>
                    )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ListShell>
      {disabling ? (
        <DisableConfirmation
          tenant={tenant}
          workload={disabling}
          onClose={(changed) => {
            setDisabling(undefined);
            if (changed) workloads.reload();
          }}
        />
      ) : null}
      {can.change ? (
        <CreateWorkload
          tenant={tenant}
          onCreated={(workload) => {
            setCreated(workload);
            workloads.reload();
          }}
        />
      ) : (
        <ReadOnlyNote what="workloads" />
      )}
    </section>
  );
}

function CreateWorkload({ tenant, onCreated }: { tenant: Tenant; onCreated: (workload: Workload) => void }): ReactNode {
  const [deployment, setDeployment] = useState('');
  const [component, setComponent] = useState('');
  const [region, setRegion] = useState('');
  const create = useAction(() => call<Workload>('createWorkload', { params: { tenant: tenant.id }, body: { deployment, component, ...(region ? { region } : {}) } }));
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const workload = await create.run();
    if (!workload) return;
    setDeployment('');
    setComponent('');
    setRegion('');
    onCreated(workload);
  };
  return (
    <>
      <h3>Create a workload</h3>
      <form onSubmit={(event) => void submit(event)} className="grid-form">
        <label htmlFor="wl-deployment">Deployment</label>
        <input id="wl-deployment" value={deployment} onChange={(event) => setDeployment(event.target.value)} required />
        <label htmlFor="wl-component">Component</label>
        <input id="wl-component" value={component} onChange={(event) => setComponent(event.target.value)} required />
        <label htmlFor="wl-region">Workload region (optional)</label>
        <input id="wl-region" value={region} onChange={(event) => setRegion(event.target.value)} />
        <div />
        <button type="submit" disabled={create.busy || !deployment || !component}>
          Create workload
        </button>
      </form>
      <ErrorNote error={create.error} />
    </>
  );
}

function CreatedWorkload({ tenant, workload, onDone }: { tenant: Tenant; workload: Workload; onDone: () => void }): ReactNode {
  const connections = useApi((signal) => call<{ connections: Connection[] }>('listConnections', { params: { tenant: tenant.id }, signal }), `connections:${tenant.id}`);
  const connection = connections.data?.connections[0]?.name ?? '<connection>';
  const secret = workload.secret ?? '';
  return (
    <div className="secret-once" role="region" aria-labelledby="secret-once-title">
      <h3 id="secret-once-title">Workload {workload.id} created: copy its secret now</h3>
      <p>The secret is shown only this once; rolebridge stores its hash. Lose it and you create a new workload.</p>
      <CopyBlock text={secret} label="Workload secret" />
      {workloadSnippets(location.origin, secret, connection).map((snippet) => (
        <div key={snippet.title}>
          <h4>{snippet.title}</h4>
          <CopyBlock text={snippet.text} label={snippet.title} />
        </div>
      ))}
      <button type="button" className="secondary" onClick={onDone}>
        I have stored the secret
      </button>
    </div>
  );
}

function DisableConfirmation({ tenant, workload, onClose }: { tenant: Tenant; workload: Workload; onClose: (changed: boolean) => void }): ReactNode {
  const disable = useAction(async () => {
    await call('disableWorkload', { params: { tenant: tenant.id, workload: workload.id }, body: {} });
    onClose(true);
  });
  return (
    <div role="alertdialog" aria-modal="false" aria-labelledby="disable-title" aria-describedby="disable-what-breaks" className="confirm">
      <h3 id="disable-title">Disable workload {workload.id}?</h3>
      <p id="disable-what-breaks">
        Its secret stops working at once: {workload.deployment}/{workload.component} gets no new tokens or AWS credentials (those already
        issued live until they expire). It cannot be enabled again; create a new workload to get a new secret.
      </p>
      <ErrorNote error={disable.error} />
      <button type="button" className="danger" onClick={() => void disable.run()} disabled={disable.busy}>
        Disable now
      </button>{' '}
      <button type="button" className="secondary" onClick={() => onClose(false)} autoFocus>
        Cancel
      </button>
    </div>
  );
}
