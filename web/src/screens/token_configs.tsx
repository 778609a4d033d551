import { useState, type FormEvent, type ReactNode } from 'react';
import { call } from '../api/client';
import type { Tenant, TokenConfig } from '../api/types';
import { ReadOnlyNote, useCan } from '../session';
import { ListShell } from '../ui/list_shell';
import { ErrorNote } from '../ui/states';
import { SUBJECT_PLACEHOLDERS, subjectTemplateProblem } from '../ui/subject_template_check';
import { parseClaims, parseSessionTags } from '../ui/token_config_draft';
import { useAction } from '../ui/use_action';
import { useApi } from '../ui/use_api';
import { ClaimsPreview } from './claims_preview';

export function TokenConfigsScreen({ tenant }: { tenant: Tenant }): ReactNode {
  const can = useCan(tenant.id);
  const configs = useApi((signal) => call<{ tokenConfigs: TokenConfig[] }>('listTokenConfigs', { params: { tenant: tenant.id }, signal }), `token-configs:${tenant.id}`);
  return (
    <section aria-labelledby="token-configs-heading">
      <h2 id="token-configs-heading">Token configs</h2>
      <p className="hint">What a workload's token says: its audience, its subject and how long it lives. `default` is used when a token request names none.</p>
      <ListShell state={configs} what="token configs" items={(data) => data.tokenConfigs} empty="No token configs yet: workloads cannot get tokens until one exists.">
        {(rows) => (
          <table>
            <caption>Token configs</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Audience</th>
                <th scope="col">Subject template</th>
                <th scope="col">Lifetime</th>
                <th scope="col">Claims and session tags</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((config) => (
                <tr key={config.name}>
                  <td>{config.name}</td>
                  <td>
                    <code>{config.audience}</code>
                  </td>
                  <td>
                    <code>{config.subjectTemplate}</code>
                  </td>
                  <td>{config.lifetimeSeconds} s</td>
                  <td>
                    <code>{JSON.stringify({ ...config.claims, ...(config.sessionTags ? { sessionTags: config.sessionTags } : {}) })}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ListShell>
      {configs.data && configs.data.tokenConfigs.length > 0 ? <ClaimsPreview tenant={tenant} configs={configs.data.tokenConfigs} /> : null}
      {can.change ? <CreateTokenConfig tenant={tenant} onCreated={configs.reload} /> : <ReadOnlyNote what="token configs" />}
    </section>
  );
}

function CreateTokenConfig({ tenant, onCreated }: { tenant: Tenant; onCreated: () => void }): ReactNode {
  const [name, setName] = useState('');
  const [audience, setAudience] = useState('sts.amazonaws.com');
  const [template, setTemplate] = useState('tenant:{tenant}:deployment:{deployment}:component:{component}');
  const [lifetime, setLifetime] = useState('300');
  const [claims, setClaims] = useState('');
  const [tags, setTags] = useState('');
  const [created, setCreated] = useState('');
  const problem = subjectTemplateProblem(template);
  const { claims: parsedClaims, problem: claimsProblem } = parseClaims(claims);
  const { sessionTags, problem: tagsProblem } = parseSessionTags(tags);
  const example = template
    .replaceAll('{tenant}', tenant.id)
    .replaceAll('{deployment}', 'prod')
    .replaceAll('{component}', 'api')
    .replaceAll('{region}', 'us-east-1')
    .replaceAll('{workload}', 'wl_example');

  const create = useAction(() =>
    call<TokenConfig>('createTokenConfig', {
      params: { tenant: tenant.id },
      body: {
        name,
        audience,
        subjectTemplate: template,
        lifetimeSeconds: Number(lifetime),
        ...(parsedClaims ? { claims: parsedClaims } : {}),
        ...(sessionTags ? { sessionTags } : {}),
      },
    }),
  );
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setCreated('');
    const config = await create.run();
    if (!config) return;
    setCreated(`Token config ${config.name} created.`);
    setName('');
    onCreated();
  };

  return (
    <>
      <h3>Create a token config</h3>
      <form onSubmit={(event) => void submit(event)} className="grid-form">
        <label htmlFor="tc-name">Token config name</label>
        <input id="tc-name" value={name} onChange={(event) => setName(event.target.value)} required pattern="[a-z0-9\-]+" aria-describedby="tc-name-hint" />
        <p id="tc-name-hint" className="hint span">
          Lower-case letters, digits and -; name one <code>default</code> to use it when a request names none.
        </p>
        <label htmlFor="tc-audience">Audience</label>
        <input id="tc-audience" value={audience} onChange={(event) => setAudience(event.target.value)} />
        <label htmlFor="tc-template">Subject template</label>
        <div>
          <input id="tc-template" value={template} onChange={(event) => setTemplate(event.target.value)} aria-invalid={problem ? true : undefined} aria-describedby="tc-template-hint" spellCheck={false} />
          <p id="tc-template-hint" className={problem ? 'hint invalid' : 'hint'} aria-live="polite">
            {problem || (
              <>
                Placeholders: {SUBJECT_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}. Example sub: <code>{example}</code>
              </>
            )}
          </p>
        </div>
        <label htmlFor="tc-lifetime">Lifetime (seconds)</label>
        <input id="tc-lifetime" type="number" min={60} max={3600} value={lifetime} onChange={(event) => setLifetime(event.target.value)} />
        <label htmlFor="tc-claims">Extra claims (JSON, optional)</label>
        <div>
          <textarea id="tc-claims" rows={3} value={claims} onChange={(event) => setClaims(event.target.value)} aria-invalid={claimsProblem ? true : undefined} aria-describedby="tc-claims-hint" />
          <p id="tc-claims-hint" className={claimsProblem ? 'hint invalid' : 'hint'}>
            {claimsProblem || 'Static claims every token carries, e.g. {"plan": "enterprise"}.'}
          </p>
        </div>
        <label htmlFor="tc-tags">Session tags (optional)</label>
        <div>
          <textarea id="tc-tags" rows={3} value={tags} onChange={(event) => setTags(event.target.value)} aria-invalid={tagsProblem ? true : undefined} aria-describedby="tc-tags-hint" spellCheck={false} />
          <p id="tc-tags-hint" className={tagsProblem ? 'hint invalid' : 'hint'}>
            {tagsProblem || 'One Key=value a line, e.g. deployment={deployment}; end a key with * to make it transitive. The role’s trust policy then needs sts:TagSession.'}
          </p>
        </div>
        <div />
        <button type="submit" disabled={create.busy || Boolean(problem) || Boolean(claimsProblem) || Boolean(tagsProblem) || !name}>
          Create token config
        </button>
      </form>
      <ErrorNote error={create.error} />
      {created ? <p role="status">{created}</p> : null}
    </>
  );
}
