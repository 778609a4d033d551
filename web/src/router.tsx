import { createContext, useContext, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/** A small history router: the console has a handful of routes and needs no router package. */
const LocationContext = createContext<string>('/');

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function RouterProvider({ children }: { children: ReactNode }): ReactNode {
  const [path, setPath] = useState(() => location.pathname + location.search);
  useEffect(() => {
    const update = (): void => setPath(location.pathname + location.search);
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return <LocationContext.Provider value={path}>{children}</LocationContext.Provider>;
}

export function useLocationPath(): string {
  return useContext(LocationContext);
}

/** Matches `/tenants/:tenant/connections/:connection` against a path; undefined when it does not match. */
export function matchRoute(pattern: string, path: string): Record<string, string> | undefined {
  const [pathname] = path.split('?');
  const want = pattern.split('/').filter(Boolean);
  const got = (pathname ?? '').split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] as string;
    const value = got[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return undefined;
  }
  return params;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

/** An ordinary link (keyboard, middle-click and copy work) that navigates in place on a plain click. */
export function Link({ to, children, ...rest }: LinkProps): ReactNode {
  const current = useLocationPath().split('?')[0];
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} aria-current={current === to ? 'page' : undefined} {...rest}>
      {children}
    </a>
  );
}
