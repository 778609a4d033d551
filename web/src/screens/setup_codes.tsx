import { useState, type FormEvent, type ReactNode } from 'react';
import { call } from '../api/client';
import type { SetupCode, Tenant, TokenConfig } from '../api/types';
import { useCan } from '../session';
import { formatTime } from '../ui/age';
import { CopyBlock } from '../ui/copy_button';
import { Empty, ErrorNote, Loading } from '../ui/states';
import { useAction } from '../ui/use_action';
import { useApi } from '../ui/use_api';

/** A single-use set-up code for a customer, and the exact command they run with it. */
export function SetupCodesScreen({ tenant }: { tenant: Tenant }): ReactNode {
  const can = useCan(tenant.id);
  const configs = useApi((signal) => call<{ tokenConfigs: TokenConfig[] }>('listTokenConfigs', { params: { tenant: tenant.id }, signal }), `token-configs:${tenant.id}`);
  const [tokenConfig, setTokenConfig] = useState('');
  const [scope, setScope] = useState('');
  const [connection, setConnection] = useState('');
  const [ttl, setTtl] = useState('3600');
  const [code, setCode] = useState<SetupCode | undefined>();
  const chosenConfig = tokenConfig || configs.data?.tokenConfigs[0]?.name || '';
  const create = useAction(() =>
    call<SetupCode>('createSetupCode', {
      params: { tenant: tenant.id },
      body: { tokenConfig: chosenConfig, ttlSeconds: Number(ttl), ...(scope ? { scope } : {}), ...(connection ? { connection } : {}) },
    }),
  );

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const created = await create.run();
    if (created) setCode(created);
  };

  return (
    <section aria-labelledby="setup-heading">
      <h2 id="setup-heading">Set-up codes</h2>
      <p className="hint">
        Give a customer a short-lived, single-use code instead of an admin key: it only reaches what `rolebridge setup aws` needs. Pin a scope to also get
        the AWS CLI commands for customers without Node.js.
      </p>
      {configs.loading && !configs.data ? <Loading what="token configs" /> : null}
      <ErrorNote error={configs.error} />
      {configs.data && configs.data.tokenConfigs.length === 0 ? <Empty>Create a token config first.</Empty> : null}
      {code ? (
        <div className="secret-once" role="region" aria-labelledby="code-title">
          <h3 id="code-title">Code {code.id}: send the customer this command</h3>
          <p>Valid until {formatTime(code.expiresAt)}, once. The code is shown only now.</p>
          <CopyBlock text={code.run.join('\n')} label="Set-up command" />
          {code.setupCli ? (
            <p className="hint">
              The lines download {code.setupCli.file}, the set-up CLI this server serves (SHA-256 <code>{code.setupCli.sha256}</code>), refuse any
              other file, and run it with Node.js 20.19 or later; no npm package is needed.
            </p>
          ) : null}
          {code.awsCliScript ? (
            <>
              <p>Without Node.js: these AWS CLI commands set the role up (safe to run twice); the customer sends back the role ARN they print.</p>
              <CopyBlock text={code.awsCliScript} label="AWS CLI commands" />
            </>
          ) : null}
        </div>
      ) : null}
      {can.operate && configs.data && configs.data.tokenConfigs.length > 0 ? (
        <form onSubmit={(event) => void submit(event)} className="grid-form">
          <label htmlFor="sc-config">Token config</label>
          <select id="sc-config" value={chosenConfig} onChange={(event) => setTokenConfig(event.target.value)}>
            {configs.data.tokenConfigs.map((config) => (
              <option key={config.name} value={config.name}>
                {config.name}
              </option>
            ))}
          </select>
          <label htmlFor="sc-scope">Scope pin (optional)</label>
          <input id="sc-scope" value={scope} onChange={(event) => setScope(event.target.value)} placeholder="deployment:prod,component:api" />
          <label htmlFor="sc-connection">Connection name pin (optional)</label>
          <input id="sc-connection" value={connection} onChange={(event) => setConnection(event.target.value)} />
          <label htmlFor="sc-ttl">Valid for (seconds)</label>
          <input id="sc-ttl" type="number" min={60} max={86400} value={ttl} onChange={(event) => setTtl(event.target.value)} />
          <div />
          <button type="submit" disabled={create.busy}>
            Create set-up code
          </button>
        </form>
      ) : null}
      {!can.operate ? <p className="read-only">Creating set-up codes needs operator.</p> : null}
      <ErrorNote error={create.error} />
    </section>
  );
}
