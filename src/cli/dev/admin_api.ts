/** A minimal JSON client for the admin API, used by `rolebridge dev` to seed through the public surface. */
export class AdminApi {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** GET, and POST `create` when the GET answers 404. */
  async ensure<T>(getPath: string, postPath: string, create: unknown): Promise<T> {
    const existing = await this.request<T>('GET', getPath);
    if (existing.status === 200) return existing.body;
    if (existing.status !== 404) throw new Error(`GET ${getPath} answered ${existing.status}: ${JSON.stringify(existing.body)}`);
    const created = await this.request<T>('POST', postPath, create);
    if (created.status !== 201) throw new Error(`POST ${postPath} answered ${created.status}: ${JSON.stringify(created.body)}`);
    return created.body;
  }
}
