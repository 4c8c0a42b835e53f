import CodeMirror from '@uiw/react-codemirror';
import { json } from '@codemirror/lang-json';
import { EditorView } from '@codemirror/view';
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

export default function JsonEditor({ value, onChange, label }: { value: string; onChange: (value: string) => void; label: string }) {
  const problems = configProblems(value);
  return (
    <div className="json-editor">
      <CodeMirror
        value={value}
        height="260px"
        extensions={[json(), EditorView.contentAttributes.of({ 'aria-label': label })]}
        onChange={onChange}
        basicSetup={{ foldGutter: false, highlightActiveLine: false }}
      />
      <div className="json-status" aria-live="polite">
        {problems.length === 0 ? (
          <span className="ok-text">The config is valid.</span>
        ) : (
          <ul className="field-error">
            {problems.map((problem, index) => (
              <li key={index}>
                <code>{problem.field}</code>: {problem.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
