import { useState, type FormEvent, type ReactNode } from 'react';
import { call } from '../api/client';
import type { Tenant } from '../api/types';
import { Link, navigate } from '../router';
import { ReadOnlyNote, useCan } from '../session';
import { formatTime } from '../ui/age';
import { ListShell } from '../ui/list_shell';
import { ErrorNote } from '../ui/states';
import { useAction } from '../ui/use_action';
import { useApi } from '../ui/use_api';

export function TenantsScreen(): ReactNode {
  const can = useCan();
  const tenants = useApi((signal) => call<{ tenants: Tenant[] }>('listTenants', { signal }), 'tenants');
  return (
    <>
      <h1>Tenants</h1>
      <ListShell state={tenants} what="tenants" items={(data) => data.tenants} empty={<p>No tenants yet. A tenant is one customer-facing issuer with its own signing keys.</p>}>
        {(rows) => (
          <table>
            <caption>Tenants and their issuers</caption>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Name</th>
                <th scope="col">Issuer</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((tenant) => (
                <tr key={tenant.id}>
                  <td>
                    <Link to={`/tenants/${encodeURIComponent(tenant.id)}`}>{tenant.id}</Link>
                  </td>
                  <td>{tenant.name}</td>
                  <td>
                    <code>{tenant.issuer}</code>
                  </td>
                  <td>{formatTime(tenant.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ListShell>
      {can.change ? <CreateTenant /> : <ReadOnlyNote what="tenants" />}
    </>
  );
}

function CreateTenant(): ReactNode {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [algorithm, setAlgorithm] = useState<'ES256' | 'RS256'>('ES256');
  const create = useAction(() => call<Tenant>('createTenant', { body: { id, name: name || id, signingAlgorithm: algorithm } }));
  const idProblem = id && !/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/.test(id) ? '3–63 of a–z, 0–9 and -, not starting or ending with -' : '';

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const tenant = await create.run();
    if (tenant) navigate(`/tenants/${encodeURIComponent(tenant.id)}`);
  };

  return (
    <section aria-labelledby="create-tenant">
      <h2 id="create-tenant">Create a tenant</h2>
      <form onSubmit={(event) => void submit(event)} className="grid-form">
        <label htmlFor="tenant-id">Tenant id</label>
        <div>
          <input id="tenant-id" value={id} onChange={(event) => setId(event.target.value)} aria-invalid={idProblem ? true : undefined} aria-describedby="tenant-id-hint" required />
          <p id="tenant-id-hint" className={idProblem ? 'hint invalid' : 'hint'}>
            {idProblem || 'Immutable; part of the issuer URL and of every trust policy.'}
          </p>
        </div>
        <label htmlFor="tenant-name">Tenant name</label>
        <input id="tenant-name" value={name} onChange={(event) => setName(event.target.value)} />
        <label htmlFor="tenant-algorithm">Signing algorithm</label>
        <select id="tenant-algorithm" value={algorithm} onChange={(event) => setAlgorithm(event.target.value as 'ES256' | 'RS256')}>
          <option value="ES256">ES256</option>
          <option value="RS256">RS256</option>
        </select>
        <div />
        <button type="submit" disabled={create.busy || !id || Boolean(idProblem)}>
          Create tenant
        </button>
      </form>
      <ErrorNote error={create.error} />
    </section>
  );
}
