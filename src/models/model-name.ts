/**
 * What a model name may be: reachable by name in a URL path (Fastify's maxParamLength is 100, and
 * it counts the encoded form), printable (no control characters that would corrupt logs or
 * terminals). Token allow-lists apply the same rule, so they cannot list a name no model can have.
 */
export const MODEL_NAME_MAX_URL_LENGTH = 100;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `name` cannot be a model name, or null when it can. */
export function modelNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (CONTROL_CHARACTERS.test(name)) return 'must not contain control characters';
  if (encodeURIComponent(name).length > MODEL_NAME_MAX_URL_LENGTH) return `must be at most ${MODEL_NAME_MAX_URL_LENGTH} characters once URL-encoded`;
  return null;
}
