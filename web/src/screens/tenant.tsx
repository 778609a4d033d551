import type { ReactNode } from 'react';
import { call } from '../api/client';
import type { Tenant } from '../api/types';
import { Link } from '../router';
import { useCan } from '../session';
import { ErrorNote, Loading } from '../ui/states';
import { useApi } from '../ui/use_api';
import { AuditLogScreen } from './audit_log';
import { ConnectionScreen } from './connection';
import { ConnectionsScreen } from './connections';
import { KeysOverview } from './keys_overview';
import { SetupCodesScreen } from './setup_codes';
import { TokenConfigsScreen } from './token_configs';
import { TrustPolicyScreen } from './trust_policy';
import { WorkloadsScreen } from './workloads';

const SECTIONS: Array<{ id: string; label: string }> = [
  { id: 'overview', label: 'Issuer and keys' },
  { id: 'token-configs', label: 'Token configs' },
  { id: 'workloads', label: 'Workloads' },
  { id: 'connections', label: 'Connections' },
  { id: 'trust-policy', label: 'Trust policy' },
  { id: 'setup-codes', label: 'Set-up codes' },
  { id: 'audit', label: 'Audit log' },
];

/** One tenant: its sections as a sub-navigation, the chosen one below. */
export function TenantScreen({ tenant, section, item }: { tenant: string; section: string; item: string | undefined }): ReactNode {
  const loaded = useApi((signal) => call<Tenant>('getTenant', { params: { tenant }, signal }), tenant);
  const can = useCan(tenant);
  const base = `/tenants/${encodeURIComponent(tenant)}`;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/tenants">Tenants</Link> / {tenant}
      </p>
      <h1>{loaded.data ? `${loaded.data.name} (${loaded.data.id})` : tenant}</h1>
      {can.role && !can.assumed ? <p className="role-badge">Your role here: {can.role}</p> : null}
      <nav aria-label="Tenant" className="tabs-nav">
        <ul>
          {SECTIONS.map((entry) => (
            <li key={entry.id}>
              <Link to={entry.id === 'overview' ? base : `${base}/${entry.id}`}>{entry.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      {loaded.loading && !loaded.data ? <Loading what="the tenant" /> : null}
      <ErrorNote error={loaded.error} />
      {loaded.data ? <Section tenant={loaded.data} section={section} item={item} /> : null}
    </>
  );
}

function Section({ tenant, section, item }: { tenant: Tenant; section: string; item: string | undefined }): ReactNode {
  switch (section) {
    case 'overview':
      // The page a tenant link opens: its issuer and keys, and its connections (add and test them from here too).
      return (
        <>
          <KeysOverview tenant={tenant} />
          <ConnectionsScreen tenant={tenant} />
        </>
      );
    case 'token-configs':
      return <TokenConfigsScreen tenant={tenant} />;
    case 'workloads':
      return <WorkloadsScreen tenant={tenant} />;
    case 'connections':
      return item ? <ConnectionScreen tenant={tenant} name={item} /> : <ConnectionsScreen tenant={tenant} />;
    case 'trust-policy':
      return <TrustPolicyScreen tenant={tenant} />;
    case 'setup-codes':
      return <SetupCodesScreen tenant={tenant} />;
    case 'audit':
      return <AuditLogScreen tenant={tenant} />;
    default:
      return <ErrorNote error={new Error('unknown section')} title={`No section “${section}”`} />;
  }
}
