import { modelConfigSchema } from '../../../src/models/model-config.schema';
import { parseConfigText, type ConfigProblem } from '../lib/presets';

/** Checks config text with the server's own schema, so the editor's messages match what upload would say. */
export function configProblems(text: string): ConfigProblem[] {
  const parsed = parseConfigText(text);
  if ('problem' in parsed) return [parsed.problem];
  const result = modelConfigSchema.safeParse(parsed.value);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const keys = (issue as { keys?: string[] }).keys;
    const field = issue.path.length ? issue.path.join('.') : keys ? keys.join(', ') : 'config';
    return { field, message: issue.code === 'unrecognized_keys' ? `unknown key ${keys?.join(', ')}` : issue.message };
  });
}
