import type { Schemas } from '../lib/api';
import { ColumnHeads } from './bits';

type Signature = { inputs: Array<{ name: string; dtype: string; shape: Array<number | string> }>; outputs: Array<{ name: string; dtype: string; shape: Array<number | string> }> } | null;

export function ValidationReport({ validation, signature }: { validation: { ok: boolean; errors: Array<{ code: string; message: string }>; warnings: string[] }; signature: Signature }) {
  return (
    <section className="report" aria-labelledby="report-title">
      <h2 id="report-title">Validation report</h2>
      <p className={validation.ok ? 'ok-text' : 'field-error'}>{validation.ok ? 'The engine loaded the model: it is valid.' : 'The model is invalid.'}</p>
      {signature && (
        <table className="table compact">
          <caption>Inputs and outputs</caption>
          <ColumnHeads names={['Kind', 'Name', 'Shape', 'Dtype']} />
          <tbody>
            {[...signature.inputs.map((spec) => ({ kind: 'input', ...spec })), ...signature.outputs.map((spec) => ({ kind: 'output', ...spec }))].map((spec) => (
              <tr key={`${spec.kind}-${spec.name}`}>
                <td>{spec.kind}</td>
                <td>
                  <code>{spec.name}</code>
                </td>
                <td>
                  <code>[{spec.shape.join(', ')}]</code>
                </td>
                <td>{spec.dtype}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {validation.warnings.length > 0 && (
        <>
          <h3>Warnings</h3>
          <ul>
            {validation.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </>
      )}
      {validation.errors.length > 0 && (
        <>
          <h3>Errors</h3>
          <ul className="field-error">
            {validation.errors.map((error) => (
              <li key={error.code + error.message}>
                <code>{error.code}</code> {error.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
export type { Schemas };
