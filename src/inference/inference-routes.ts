/**
 * The routes that run a model. Their bodies are not read by Fastify's parsers but by the service,
 * once the request is authenticated, its model resolved and its queue place held, so a refusal
 * (unknown model, full queue) costs no parsing however large the body (common/deferred-body.ts).
 */
export const V2_INFER_ROUTES = [
  { method: 'POST', url: '/v2/models/:name/infer' },
  { method: 'POST', url: '/v2/models/:name/versions/:version/infer' },
] as const;

export const DEFERRED_BODY_ROUTES = [
  { method: 'POST', url: '/api/v1/inference/:modelId' },
  { method: 'POST', url: '/api/v1/internal/models/:id/infer' },
  ...V2_INFER_ROUTES,
] as const;
