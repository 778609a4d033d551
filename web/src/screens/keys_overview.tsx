import { useState, type ReactNode } from 'react';
import { ApiError, call } from '../api/client';
import type { SigningKey, Tenant } from '../api/types';
import { useCan } from '../session';
import { formatAge, formatTime } from '../ui/age';
import { CopyButton } from '../ui/copy_button';
import { Empty, ErrorNote, Loading } from '../ui/states';
import { useAction } from '../ui/use_action';
import { useApi } from '../ui/use_api';

const STAGES: Array<{ state: SigningKey['state'] | 'gone'; label: string; meaning: string }> = [
  { state: 'next', label: 'Published', meaning: 'in the JWKS, not signing yet' },
  { state: 'active', label: 'Active', meaning: 'signs new tokens' },
  { state: 'retired', label: 'Retired', meaning: 'in the JWKS until its tokens expire' },
  { state: 'gone', label: 'Gone', meaning: 'out of the JWKS' },
];

function stageOf(key: SigningKey): SigningKey['state'] | 'gone' {
  if (key.state === 'revoked') return 'gone';
  if (key.state === 'retired' && !key.published) return 'gone';
  return key.state;
}

/** The issuer's URLs and its signing keys on the rotation timeline, with rotate and revoke. */
export function KeysOverview({ tenant }: { tenant: Tenant }): ReactNode {
  const can = useCan(tenant.id);
  const keys = useApi((signal) => call<{ keys: SigningKey[] }>('listKeys', { params: { tenant: tenant.id }, signal }), `keys:${tenant.id}`);
  const [rotated, setRotated] = useState('');
  const [revoking, setRevoking] = useState<SigningKey | undefined>();
  const discovery = `${tenant.issuer}/.well-known/openid-configuration`;
  const jwks = `${tenant.issuer}/.well-known/jwks.json`;

  const rotation = useAction(() => call<{ keys: SigningKey[] }>('rotateKeys', { params: { tenant: tenant.id }, body: {} }));
  const rotate = async (): Promise<void> => {
    setRotated('');
    const answer = await rotation.run();
    if (!answer) return;
    const active = answer.keys.find((key) => key.state === 'active');
    setRotated(`Rotated: ${active?.kid ?? 'the next key'} now signs; the previous key stays published until its tokens expire.`);
    keys.reload();
  };

  const notReady = rotation.error instanceof ApiError && rotation.error.code === 'rotation_not_ready' ? rotation.error : undefined;

  return (
    <>
      <section aria-labelledby="issuer-heading">
        <h2 id="issuer-heading">Issuer</h2>
        <dl className="facts">
          <dt>Issuer URL</dt>
          <dd>
            <code>{tenant.issuer}</code> <CopyButton text={tenant.issuer} label="Copy issuer URL" />
          </dd>
          <dt>Discovery</dt>
          <dd>
            <a href={discovery} target="_blank" rel="noreferrer">
              {discovery}
            </a>
          </dd>
          <dt>JWKS</dt>
          <dd>
            <a href={jwks} target="_blank" rel="noreferrer">
              {jwks}
            </a>
          </dd>
          <dt>Signing algorithm</dt>
          <dd>{tenant.signingAlgorithm}</dd>
        </dl>
      </section>

      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">Signing keys</h2>
        <ol className="timeline" aria-label="Rotation timeline">
          {STAGES.map((stage) => {
            const here = keys.data?.keys.filter((key) => stageOf(key) === stage.state) ?? [];
            return (
              <li key={stage.state}>
                <strong>{stage.label}</strong> <span className="hint">({stage.meaning})</span>
                <ul>
                  {here.length === 0 ? <li className="hint">none</li> : null}
                  {here.map((key) => (
                    <li key={key.kid}>
                      <code>{key.kid}</code> · {formatAge(key.ageSeconds)} old
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ol>
        {keys.loading && !keys.data ? <Loading what="signing keys" /> : null}
        <ErrorNote error={keys.error} />
        {keys.data && keys.data.keys.length === 0 ? <Empty>No signing keys: this tenant cannot issue tokens.</Empty> : null}
        {keys.data && keys.data.keys.length > 0 ? (
          <table>
            <caption>Every key, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">State</th>
                <th scope="col">In JWKS</th>
                <th scope="col">Age</th>
                <th scope="col">Created</th>
                <th scope="col">Activated</th>
                <th scope="col">Retired / revoked</th>
                {can.change ? <th scope="col">Emergency</th> : null}
              </tr>
            </thead>
            <tbody>
              {[...keys.data.keys].reverse().map((key) => (
                <tr key={key.kid}>
                  <td>
                    <code>{key.kid}</code>
                  </td>
                  <td>
                    <span className={`badge state-${key.state}`}>{key.state}</span>
                  </td>
                  <td>{key.published ? 'yes' : 'no'}</td>
                  <td>{formatAge(key.ageSeconds)}</td>
                  <td>{formatTime(key.createdAt)}</td>
                  <td>{formatTime(key.activatedAt)}</td>
                  <td>{formatTime(key.revokedAt ?? key.retiredAt)}</td>
                  {can.change ? (
                    <td>
                      {key.state === 'revoked' ? null : (
                        <button type="button" className="danger" onClick={() => setRevoking(key)}>
                          Revoke {key.kid}
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}

        {can.operate ? (
          <p>
            <button type="button" onClick={() => void rotate()} disabled={rotation.busy}>
              Rotate keys
            </button>
          </p>
        ) : (
          <p className="read-only">Your role may read the keys; rotating needs operator.</p>
        )}
        {notReady ? (
          <div className="warning-note" role="alert">
            <p>
              <code className="error-code">rotation_not_ready</code> {notReady.message}
            </p>
            {typeof notReady.details.retryAfterSeconds === 'number' ? (
              <p>Wait {formatAge(notReady.details.retryAfterSeconds)} (ready at {formatTime(String(notReady.details.readyAt))}): relying parties may still hold a JWKS without the next key.</p>
            ) : null}
          </div>
        ) : (
          <ErrorNote error={rotation.error} />
        )}
        {rotated ? <p role="status">{rotated}</p> : null}
        {revoking ? (
          <RevokeConfirmation
            tenant={tenant}
            signingKey={revoking}
            onClose={(changed) => {
              setRevoking(undefined);
              if (changed) keys.reload();
            }}
          />
        ) : null}
      </section>
    </>
  );
}

function RevokeConfirmation({ tenant, signingKey, onClose }: { tenant: Tenant; signingKey: SigningKey; onClose: (changed: boolean) => void }): ReactNode {
  const revoke = useAction(async () => {
    await call('revokeKey', { params: { tenant: tenant.id, kid: signingKey.kid }, body: {} });
    onClose(true);
  });
  return (
    <div role="alertdialog" aria-modal="false" aria-labelledby="revoke-title" aria-describedby="revoke-what-breaks" className="confirm">
      <h3 id="revoke-title">Revoke key {signingKey.kid}?</h3>
      <div id="revoke-what-breaks">
        <p>The key leaves the JWKS at once. What breaks:</p>
        <ul>
          <li>Every token it signed stops verifying at AWS (and any relying party) as soon as their JWKS cache refreshes: workloads holding such tokens get AccessDenied until they fetch new ones.</li>
          {signingKey.state === 'active' ? <li>It signs today: the next key takes over immediately, before relying parties may have cached it.</li> : null}
          <li>It cannot be undone. Use it when the key may be compromised; otherwise rotate.</li>
        </ul>
      </div>
      <ErrorNote error={revoke.error} />
      <button type="button" className="danger" onClick={() => void revoke.run()} disabled={revoke.busy}>
        Revoke now
      </button>{' '}
      <button type="button" className="secondary" onClick={() => onClose(false)} autoFocus>
        Cancel
      </button>
    </div>
  );
}
