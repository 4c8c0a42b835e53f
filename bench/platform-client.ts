/** The few admin and serving calls the benchmark makes against a running platform. */
export class PlatformClient {
  private jwt = '';

  constructor(readonly url: string) {}

  private async call(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<any> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.jwt) headers['X-Auth-Token'] = this.jwt;
    let payload: RequestInit['body'];
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body: payload });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : undefined;
  }

  async login(username: string, password: string): Promise<void> {
    const result = await this.call('POST', '/api/v1/internal/auth/login', { username, password });
    this.jwt = result.accessToken;
  }

  async uploadModel(name: string, file: Buffer, fileName: string, config: Record<string, unknown>): Promise<string> {
    const form = new FormData();
    form.append('name', name);
    form.append('config', JSON.stringify(config));
    form.append('file', new Blob([new Uint8Array(file)]), fileName);
    const model = await this.call('POST', '/api/v1/internal/models', form);
    return model.id as string;
  }

  deploy(modelId: string, overrides: Record<string, unknown> = {}): Promise<unknown> {
    return this.call('POST', `/api/v1/internal/models/${modelId}/deploy`, overrides);
  }

  undeploy(modelId: string): Promise<unknown> {
    return this.call('POST', `/api/v1/internal/models/${modelId}/undeploy`, {});
  }

  async issueToken(name: string): Promise<string> {
    const result = await this.call('POST', '/api/v1/internal/tokens', { name, allowedModels: ['*'] });
    return result.token as string;
  }

  async model(modelId: string): Promise<any> {
    return this.call('GET', `/api/v1/internal/models/${modelId}`);
  }

  async stats(modelId: string): Promise<any> {
    return this.call('GET', `/api/v1/internal/models/${modelId}/stats`);
  }

  /** One real inference through the public route, to prove the deployment serves before loading it. */
  async infer(modelId: string, accessToken: string, body: Buffer, contentType: string): Promise<any> {
    const response = await fetch(`${this.url}/api/v1/inference/${modelId}`, { method: 'POST', headers: { 'X-Access-Token': accessToken, 'content-type': contentType }, body: new Uint8Array(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`inference → ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  }
}
