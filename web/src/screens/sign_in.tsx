import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, apiKeyStore, call } from '../api/client';
import { useLocationPath } from '../router';
import { ErrorNote } from '../ui/states';

/** Sign-in: the IdP's authorization-code flow when the server offers it, or a pasted API key. */
export function SignInScreen({ error, onSignedIn }: { error?: unknown; onSignedIn: () => void }): ReactNode {
  const path = useLocationPath();
  const [apiKey, setApiKey] = useState('');
  const [failure, setFailure] = useState<unknown>(error);
  const [busy, setBusy] = useState(false);
  const [idp, setIdp] = useState(false);

  useEffect(() => {
    call<{ idp: boolean }>('authConfig').then(
      (config) => setIdp(config.idp === true),
      () => setIdp(false), // 404: this server has no IdP sign-in
    );
  }, []);

  const returnTo = new URLSearchParams(path.split('?')[1] ?? '').get('returnTo') ?? '/tenants';
  // The IdP sign-in comes back to returnTo with `signin_error=<code>` when it could not start a session.
  const idpError = new URLSearchParams(returnTo.split('?')[1] ?? '').get('signin_error');
  const cleanReturnTo = returnTo.replace(/[?&]signin_error=[^&]*/, '');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const key = apiKey.trim();
    if (!key) {
      setFailure(new ApiError(400, 'api_key_missing', 'Paste an API key first.'));
      return;
    }
    setBusy(true);
    apiKeyStore.set(key);
    try {
      await call('listTenants');
      onSignedIn();
    } catch (caught) {
      // A key that may not list tenants (403: another tenant's key) still signs in; a wrong key does not.
      if (caught instanceof ApiError && caught.status === 403) onSignedIn();
      else {
        apiKeyStore.clear();
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to rolebridge</h1>
      {idp ? (
        <p>
          <a className="button" href={`/auth/login?returnTo=${encodeURIComponent(cleanReturnTo || '/tenants')}`}>
            Sign in with your identity provider
          </a>
        </p>
      ) : null}
      <form onSubmit={(event) => void submit(event)} aria-describedby="api-key-hint">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
        />
        <p id="api-key-hint" className="hint">
          The bootstrap admin token (<code>ROLEBRIDGE_ADMIN_TOKEN</code>) or a key from <code>/api/v1/api-keys</code>. It stays in
          this tab only.
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {idpError ? (
        <ErrorNote
          error={new ApiError(401, idpError, idpError === 'no_role' ? 'The identity provider signed you in, but your account holds no rolebridge role (admin, operator or viewer).' : 'The identity provider sign-in did not complete.')}
          title="Sign-in with your identity provider failed"
        />
      ) : null}
      <ErrorNote error={failure} title="Sign-in failed" />
    </main>
  );
}
