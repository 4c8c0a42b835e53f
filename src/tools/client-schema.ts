import openapiTS, { astToString } from 'openapi-typescript';

const HEADER = '// Generated from the server\'s OpenAPI document by `npm run client:generate`. Do not edit.\n';

/** The TypeScript source of `src/client/schema.ts` for an OpenAPI document. */
export async function renderClientSchema(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}

/** The committed form of the OpenAPI document: stable key order, trailing newline. */
export function renderOpenApiJson(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
