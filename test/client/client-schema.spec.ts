import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderClientSchema, renderOpenApiJson } from '../../src/tools/client-schema.js';
import { exportOpenApiDocument } from '../../src/tools/openapi-document.js';

const committed = (name: string) => readFileSync(new URL(`../../src/client/${name}`, import.meta.url), 'utf8');

describe('the typed API client', () => {
  it('is generated from the OpenAPI document the server serves now (run `npm run client:generate` when this fails)', async () => {
    const document = await exportOpenApiDocument();
    expect(committed('openapi.json')).toBe(renderOpenApiJson(document));
    expect(committed('schema.ts')).toBe(await renderClientSchema(document));
  });
});
