import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderClientSchema, renderOpenApiJson } from './client-schema.js';
import { exportOpenApiDocument } from './openapi-document.js';

/** Rewrites src/client/openapi.json and src/client/schema.ts from the running application. */
const clientDir = fileURLToPath(new URL('../../../src/client/', import.meta.url));
const document = await exportOpenApiDocument();
writeFileSync(`${clientDir}openapi.json`, renderOpenApiJson(document));
writeFileSync(`${clientDir}schema.ts`, await renderClientSchema(document));
process.stdout.write(`wrote ${clientDir}openapi.json and schema.ts\n`);
process.exit(0);
