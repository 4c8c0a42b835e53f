import CodeMirror from '@uiw/react-codemirror';
import { json } from '@codemirror/lang-json';
import { EditorView } from '@codemirror/view';
import { configProblems } from './config-problems';

export default function JsonEditor({ value, onChange, label }: { value: string; onChange: (value: string) => void; label: string }) {
  const problems = configProblems(value);
  return (
    <div className="json-editor">
      <CodeMirror
        value={value}
        minHeight="200px"
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
