import { useState, type ReactNode } from 'react';
import { call } from '../api/client';
import type { Tenant, TokenConfig, TokenPreview, Workload } from '../api/types';
import { Empty, ErrorNote, Loading } from '../ui/states';
import { SUBJECT_PLACEHOLDERS, subjectTemplateProblem } from '../ui/subject_template_check';
import { parseClaims, parseSessionTags, sessionTagsText } from '../ui/token_config_draft';
import { useApi } from '../ui/use_api';
import { useDebounced } from '../ui/use_debounced';

/**
 * The exact claims a token would carry for a chosen workload, under a stored token config or a draft of its
 * subject template, audience, claims and session tags (POST …/token-configs/{name}/preview: nothing is signed
 * or saved). The preview follows the typing; a draft the server refuses shows its code in place.
 */
export function ClaimsPreview({ tenant, configs }: { tenant: Tenant; configs: TokenConfig[] }): ReactNode {
  const workloads = useApi((signal) => call<{ workloads: Workload[] }>('listWorkloads', { params: { tenant: tenant.id }, signal }), `workloads:${tenant.id}`);
  const [configName, setConfigName] = useState(configs[0]?.name ?? '');
  const [workload, setWorkload] = useState('');
  const config = configs.find((entry) => entry.name === configName) ?? configs[0];
  const chosenWorkload = workload || workloads.data?.workloads[0]?.id || '';

  return (
    <section aria-labelledby="preview-heading" className="panel">
      <h3 id="preview-heading">Claims preview</h3>
      <p className="hint">What a token minted now would carry (all but iat, nbf, exp and jti). Change the draft to see it before saving.</p>
      {workloads.loading && !workloads.data ? <Loading what="workloads" /> : null}
      <ErrorNote error={workloads.error} />
      {workloads.data && workloads.data.workloads.length === 0 ? <Empty>Create a workload to preview the token it would get.</Empty> : null}
      {config && workloads.data && workloads.data.workloads.length > 0 ? (
        <>
          <div className="grid-form">
            <label htmlFor="pv-config">Token config to preview</label>
            <select id="pv-config" value={config.name} onChange={(event) => setConfigName(event.target.value)}>
              {configs.map((entry) => (
                <option key={entry.name} value={entry.name}>
                  {entry.name}
                </option>
              ))}
            </select>
            <label htmlFor="pv-workload">Workload to preview</label>
            <select id="pv-workload" value={chosenWorkload} onChange={(event) => setWorkload(event.target.value)}>
              {workloads.data.workloads.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.id} ({entry.deployment}/{entry.component}
                  {entry.region ? `/${entry.region}` : ''})
                </option>
              ))}
            </select>
          </div>
          {/* A new draft per config: switching configs starts from that config's stored values. */}
          <PreviewDraft key={config.name} tenant={tenant} config={config} workload={chosenWorkload} />
        </>
      ) : null}
    </section>
  );
}

function PreviewDraft({ tenant, config, workload }: { tenant: Tenant; config: TokenConfig; workload: string }): ReactNode {
  const [template, setTemplate] = useState(config.subjectTemplate);
  const [audience, setAudience] = useState(config.audience);
  const storedClaimsText = Object.keys(config.claims).length ? JSON.stringify(config.claims, null, 2) : '';
  const storedTagsText = sessionTagsText(config.sessionTags);
  const [claimsText, setClaimsText] = useState(storedClaimsText);
  const [tagsText, setTagsText] = useState(storedTagsText);
  const templateProblem = subjectTemplateProblem(template);
  const claims = parseClaims(claimsText);
  const tags = parseSessionTags(tagsText);
  const valid = !templateProblem && !claims.problem && !tags.problem && audience.trim() !== '';
  // Only what differs from the stored config is sent as an override; an invalid draft is not sent at all.
  const body = {
    workload,
    ...(template !== config.subjectTemplate ? { subjectTemplate: template } : {}),
    ...(audience !== config.audience ? { audience } : {}),
    ...(claimsText !== storedClaimsText ? { claims: claims.claims ?? {} } : {}),
    ...(tagsText !== storedTagsText && tags.sessionTags ? { sessionTags: tags.sessionTags } : {}),
  };
  const request = useDebounced(valid ? JSON.stringify(body) : undefined, 250);
  const preview = useApi(
    (signal) =>
      request === undefined
        ? Promise.resolve(undefined)
        : call<TokenPreview>('previewTokenConfigClaims', { params: { tenant: tenant.id, name: config.name }, body: JSON.parse(request) as unknown, signal }),
    `preview:${tenant.id}:${config.name}:${request ?? ''}`,
  );
  const changed = template !== config.subjectTemplate || audience !== config.audience || claimsText !== storedClaimsText || tagsText !== storedTagsText;
  const json = preview.data ? JSON.stringify(preview.data.claims, null, 2) : '';

  return (
    <div className="preview">
      <div className="grid-form">
        <label htmlFor="pv-template">Draft subject template</label>
        <div>
          <input id="pv-template" value={template} onChange={(event) => setTemplate(event.target.value)} spellCheck={false} aria-invalid={templateProblem ? true : undefined} aria-describedby="pv-template-hint" />
          <p id="pv-template-hint" className={templateProblem ? 'hint invalid' : 'hint'} aria-live="polite">
            {templateProblem || `Placeholders: ${SUBJECT_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`}
          </p>
        </div>
        <label htmlFor="pv-audience">Draft audience</label>
        <input id="pv-audience" value={audience} onChange={(event) => setAudience(event.target.value)} spellCheck={false} aria-invalid={audience.trim() === '' ? true : undefined} />
        <label htmlFor="pv-claims">Draft claims (JSON)</label>
        <div>
          <textarea id="pv-claims" rows={3} value={claimsText} onChange={(event) => setClaimsText(event.target.value)} spellCheck={false} aria-invalid={claims.problem ? true : undefined} aria-describedby="pv-claims-hint" />
          <p id="pv-claims-hint" className={claims.problem ? 'hint invalid' : 'hint'} aria-live="polite">
            {claims.problem || 'Static claims, replacing the stored ones in the preview.'}
          </p>
        </div>
        <label htmlFor="pv-tags">Draft session tags</label>
        <div>
          <textarea id="pv-tags" rows={2} value={tagsText} onChange={(event) => setTagsText(event.target.value)} spellCheck={false} aria-invalid={tags.problem ? true : undefined} aria-describedby="pv-tags-hint" />
          <p id="pv-tags-hint" className={tags.problem ? 'hint invalid' : 'hint'} aria-live="polite">
            {tags.problem || 'One Key=value a line; a key ending in * is transitive. Left empty, the stored tags apply.'}
          </p>
        </div>
      </div>
      {changed ? <p className="hint">Previewing a draft: nothing is saved.</p> : null}
      {preview.loading && !preview.data && !preview.error ? <Loading what="the preview" /> : null}
      <ErrorNote error={preview.error} />
      {preview.data ? (
        <>
          <p role="status" aria-label="Token size">
            {preview.data.size} bytes as a signed token
          </p>
          <pre tabIndex={0} aria-label="Token claims">
            {json}
          </pre>
        </>
      ) : null}
    </div>
  );
}
