/**
 * An HTTP client that follows redirects and keeps cookies per host, as a browser does for a sign-in flow
 * (no JavaScript needed: oidc-provider's flow and rolebridge's /auth routes are redirects and forms).
 */
export class BrowserlessClient {
  private readonly jars = new Map<string, Map<string, string>>();

  cookies(origin: string): Map<string, string> {
    const host = new URL(origin).host;
    let jar = this.jars.get(host);
    if (!jar) {
      jar = new Map();
      this.jars.set(host, jar);
    }
    return jar;
  }

  private remember(url: URL, response: Response): void {
    const jar = this.cookies(url.origin);
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  /** One request, no redirect followed; cookies sent and kept. */
  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.cookies(target.origin);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.remember(target, response);
    return response;
  }

  /**
   * Follows redirects until a page answers, or until a redirect leaves for `stopAt` (an origin + path prefix),
   * whose URL is then returned unvisited (a CLI's loopback listener, say).
   */
  async follow(url: string | URL, options: { stopAt?: string; maxHops?: number } = {}): Promise<{ response?: Response; url: string; hops: string[] }> {
    let current = new URL(url).href;
    const hops: string[] = [];
    for (let hop = 0; hop < (options.maxHops ?? 20); hop++) {
      if (options.stopAt !== undefined && current.startsWith(options.stopAt)) return { url: current, hops };
      hops.push(current);
      const response = await this.request(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return { response, url: current, hops };
      await response.arrayBuffer();
      current = new URL(location, current).href;
    }
    throw new Error(`too many redirects: ${hops.join(' -> ')}`);
  }
}
