import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, apiKeyStore, call } from './api/client';
import type { Me } from './api/types';
import { Link, matchRoute, navigate, useLocationPath } from './router';
import { PlaygroundScreen } from './screens/playground';
import { SignInScreen } from './screens/sign_in';
import { TenantScreen } from './screens/tenant';
import { TenantsScreen } from './screens/tenants';
import { SessionContext, type Session } from './session';
import { ErrorNote, Loading } from './ui/states';

type Boot = { state: 'loading' } | { state: 'signed-out'; error?: unknown } | { state: 'signed-in'; session: Session };

/** `/api/v1/me` when the server has it; undefined on 404 (a server without operator identities yet). */
async function loadMe(): Promise<Me | undefined> {
  try {
    return await call<Me>('me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

export function App(): ReactNode {
  const path = useLocationPath();
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const signOut = (): void => {
      const hadKey = apiKeyStore.get() !== null;
      apiKeyStore.clear();
      const done = (): void => {
        setBoot({ state: 'signed-out' });
        navigate('/sign-in');
      };
      if (hadKey) done();
      else call('logout', { body: {} }).then(done, done);
    };
    (async () => {
      const method = apiKeyStore.get() ? 'api-key' : 'idp';
      try {
        const me = await loadMe();
        // Without /me, a key proves itself by reading the tenant list; without a key and without /me there is no session.
        if (me === undefined) {
          if (method === 'idp') return { state: 'signed-out' } as const;
          await call('listTenants');
        }
        return { state: 'signed-in', session: { method, me, signOut } } as const;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          if (method === 'api-key') apiKeyStore.clear();
          return { state: 'signed-out', ...(method === 'api-key' ? { error } : {}) } as const;
        }
        return { state: 'signed-out', error } as const;
      }
    })().then((next) => {
      if (!cancelled) setBoot(next);
    });
    return () => {
      cancelled = true;
    };
  }, [generation]);

  useEffect(() => {
    if (boot.state === 'signed-out' && !path.startsWith('/sign-in')) navigate(`/sign-in?returnTo=${encodeURIComponent(path)}`, true);
    if (boot.state === 'signed-in' && (path === '/' || path.startsWith('/sign-in'))) {
      const returnTo = new URLSearchParams(path.split('?')[1] ?? '').get('returnTo');
      navigate(returnTo && returnTo.startsWith('/') && !returnTo.startsWith('//') && !returnTo.startsWith('/sign-in') ? returnTo : '/tenants', true);
    }
  }, [boot, path]);

  if (boot.state === 'loading') {
    return (
      <main id="main" className="centered">
        <Loading what="the console" />
      </main>
    );
  }
  if (boot.state === 'signed-out') {
    return <SignInScreen error={boot.error} onSignedIn={() => setGeneration((value) => value + 1)} />;
  }
  return (
    <SessionContext.Provider value={boot.session}>
      <Shell>{route(path)}</Shell>
    </SessionContext.Provider>
  );
}

function route(path: string): ReactNode {
  if (matchRoute('/tenants', path)) return <TenantsScreen />;
  if (matchRoute('/playground', path)) return <PlaygroundScreen />;
  const tenant = matchRoute('/tenants/:tenant', path) ?? matchRoute('/tenants/:tenant/:section', path) ?? matchRoute('/tenants/:tenant/:section/:item', path);
  if (tenant) return <TenantScreen tenant={tenant.tenant as string} section={tenant.section ?? 'overview'} item={tenant.item} />;
  if (path === '/' || path.startsWith('/sign-in')) return <Loading what="the console" />;
  return (
    <>
      <h1>Page not found</h1>
      <ErrorNote error={new ApiError(404, 'route_not_found', `The console has no page ${path.split('?')[0]}.`)} />
      <p>
        <Link to="/tenants">Go to the tenants</Link>
      </p>
    </>
  );
}

function Shell({ children }: { children: ReactNode }): ReactNode {
  return (
    <SessionContext.Consumer>
      {(session) => (
        <>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <header className="top-bar">
            <Link to="/tenants" className="brand">
              rolebridge
            </Link>
            <nav aria-label="Main">
              <ul>
                <li>
                  <Link to="/tenants">Tenants</Link>
                </li>
                <li>
                  <Link to="/playground">Policy playground</Link>
                </li>
              </ul>
            </nav>
            <div className="who">
              <span>{session?.method === 'idp' ? 'Signed in with your identity provider' : 'Signed in with an API key'}</span>
              <button type="button" className="secondary" onClick={() => session?.signOut()}>
                Sign out
              </button>
            </div>
          </header>
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </>
      )}
    </SessionContext.Consumer>
  );
}
