// The node's REST API, with the operator's token. Errors come back as problem+json; the page shows `detail`.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  async request(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body, cache: 'no-store' });
    const type = response.headers.get('content-type') ?? '';
    const payload = type.includes('json') ? await response.json() : await response.text();
    if (!response.ok) {
      throw new ApiError(response.status, typeof payload === 'object' ? payload : { detail: payload || response.statusText });
    }
    return payload;
  }

  get(path) { return this.request('GET', path); }

  /** body is a JSON string the caller built, so decimal numbers go to the server exactly as typed. */
  put(path, body) { return this.request('PUT', path, body); }

  patch(path, body) { return this.request('PATCH', path, body); }

  post(path, body) { return this.request('POST', path, body); }

  async text(path) {
    const response = await fetch(path, { headers: { Authorization: `Bearer ${this.token}` }, cache: 'no-store' });
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
    return response.text();
  }
}

export const enc = encodeURIComponent;
