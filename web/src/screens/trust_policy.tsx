import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { call } from '../api/client';
import type { Tenant, TokenConfig, TrustPolicyAnswer, Workload } from '../api/types';
import { CopyButton } from '../ui/copy_button';
import { Empty, ErrorNote, Loading } from '../ui/states';
import { scopeOf, type ScopeKind } from '../ui/trust_scope';
import { useApi } from '../ui/use_api';

const FORMATS = [
  { id: 'json', label: 'JSON', file: 'trust-policy.json' },
  { id: 'terraform', label: 'Terraform', file: 'rolebridge-role.tf' },
  { id: 'cloudformation', label: 'CloudFormation', file: 'rolebridge-role.yaml' },
  { id: 'cli', label: 'AWS CLI', file: 'rolebridge-role.sh' },
] as const;
type Format = (typeof FORMATS)[number]['id'];

/** The trust policy a customer's role needs, for a scope the operator picks, in the format they deploy with. */
export function TrustPolicyScreen({ tenant }: { tenant: Tenant }): ReactNode {
  const configs = useApi((signal) => call<{ tokenConfigs: TokenConfig[] }>('listTokenConfigs', { params: { tenant: tenant.id }, signal }), `token-configs:${tenant.id}`);
  const workloads = useApi((signal) => call<{ workloads: Workload[] }>('listWorkloads', { params: { tenant: tenant.id }, signal }), `workloads:${tenant.id}`);
  const [tokenConfig, setTokenConfig] = useState('');
  const [kind, setKind] = useState<ScopeKind>('workload');
  const [workload, setWorkload] = useState('');
  const [deployment, setDeployment] = useState('');
  const [component, setComponent] = useState('');
  const [region, setRegion] = useState('');
  const [accountId, setAccountId] = useState('');
  const [roleName, setRoleName] = useState('rolebridge-access');
  const [format, setFormat] = useState<Format>('json');
  const [download, setDownload] = useState<string | undefined>();
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);

  const chosenConfig = tokenConfig || configs.data?.tokenConfigs[0]?.name || '';
  const chosenWorkload = workload || workloads.data?.workloads[0]?.id || '';
  const scope = scopeOf({ kind, workload: chosenWorkload, deployment, component, region });
  const ready = Boolean(chosenConfig && scope && (accountId === '' || /^\d{12}$/.test(accountId)));
  const key = `${tenant.id}|${chosenConfig}|${scope}|${format}|${accountId}|${roleName}`;
  const policy = useApi(
    (signal) =>
      ready
        ? call<TrustPolicyAnswer>('trustPolicy', { params: { tenant: tenant.id }, query: { tokenConfig: chosenConfig, scope, format, accountId: accountId || undefined, roleName: roleName || undefined }, signal })
        : Promise.resolve(undefined),
    key,
  );
  const current = FORMATS.find((entry) => entry.id === format) ?? FORMATS[0];

  useEffect(() => {
    if (!policy.data) return undefined;
    const url = URL.createObjectURL(new Blob([policy.data.document], { type: 'text/plain' }));
    setDownload(url);
    return () => URL.revokeObjectURL(url);
  }, [policy.data]);

  const onTabKey = (event: KeyboardEvent, index: number): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = (index + step + FORMATS.length) % FORMATS.length;
    setFormat(FORMATS[next]!.id);
    tabs.current[next]?.focus();
  };

  if (configs.loading && !configs.data) return <Loading what="token configs" />;
  if (configs.error) return <ErrorNote error={configs.error} />;
  if (configs.data && configs.data.tokenConfigs.length === 0) return <Empty>Create a token config first: the trust policy matches its audience and subjects.</Empty>;

  return (
    <section aria-labelledby="trust-heading">
      <h2 id="trust-heading">Trust policy</h2>
      <div className="grid-form">
        <label htmlFor="tp-config">Token config</label>
        <select id="tp-config" value={chosenConfig} onChange={(event) => setTokenConfig(event.target.value)}>
          {configs.data?.tokenConfigs.map((config) => (
            <option key={config.name} value={config.name}>
              {config.name}
            </option>
          ))}
        </select>
        <fieldset className="span">
          <legend>Who the role trusts</legend>
          {(
            [
              ['workload', 'One workload'],
              ['deployment', 'A deployment (optionally one component or region)'],
              ['component', 'A component across deployments'],
              ['tenant', 'The whole tenant'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="radio">
              <input type="radio" name="scope" value={value} checked={kind === value} onChange={() => setKind(value)} /> {label}
            </label>
          ))}
        </fieldset>
        {kind === 'workload' ? (
          <>
            <label htmlFor="tp-workload">Workload</label>
            <select id="tp-workload" value={chosenWorkload} onChange={(event) => setWorkload(event.target.value)}>
              {workloads.data?.workloads.length === 0 ? <option value="">(no workloads yet)</option> : null}
              {workloads.data?.workloads.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.id} ({entry.deployment}/{entry.component})
                </option>
              ))}
            </select>
          </>
        ) : null}
        {kind === 'deployment' ? (
          <>
            <label htmlFor="tp-deployment">Deployment</label>
            <input id="tp-deployment" value={deployment} onChange={(event) => setDeployment(event.target.value)} />
          </>
        ) : null}
        {kind === 'deployment' || kind === 'component' ? (
          <>
            <label htmlFor="tp-component">Component{kind === 'deployment' ? ' (optional)' : ''}</label>
            <input id="tp-component" value={component} onChange={(event) => setComponent(event.target.value)} />
            <label htmlFor="tp-region">Region (optional)</label>
            <input id="tp-region" value={region} onChange={(event) => setRegion(event.target.value)} aria-describedby="tp-scope-hint" />
            <p id="tp-scope-hint" className="hint span">
              Scope sent: <code>{scope ?? '—'}</code> (what is left out matches any value)
            </p>
          </>
        ) : null}
        <label htmlFor="tp-account">Customer account id (optional)</label>
        <input id="tp-account" value={accountId} onChange={(event) => setAccountId(event.target.value)} inputMode="numeric" />
        <label htmlFor="tp-role">Role name</label>
        <input id="tp-role" value={roleName} onChange={(event) => setRoleName(event.target.value)} />
      </div>

      <div role="tablist" aria-label="Format" className="tablist">
        {FORMATS.map((entry, index) => (
          <button
            key={entry.id}
            ref={(element) => {
              tabs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`tab-${entry.id}`}
            aria-selected={format === entry.id}
            aria-controls="trust-panel"
            tabIndex={format === entry.id ? 0 : -1}
            onClick={() => setFormat(entry.id)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {entry.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="trust-panel" aria-labelledby={`tab-${format}`} className="tabpanel">
        {!ready ? <Empty>Pick a scope (and a 12-digit account id, if any) to see the policy.</Empty> : null}
        {ready && policy.loading && !policy.data ? <Loading what="the trust policy" /> : null}
        <ErrorNote error={policy.error} />
        {policy.data ? (
          <>
            <pre tabIndex={0} aria-label={`Trust policy as ${current.label}`}>
              {policy.data.document}
            </pre>
            <CopyButton text={policy.data.document} label={`Copy ${current.label}`} />{' '}
            {download ? (
              <a className="button secondary" href={download} download={current.file}>
                Download {current.file}
              </a>
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}
