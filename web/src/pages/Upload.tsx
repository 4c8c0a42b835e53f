import { lazy, Suspense, useRef, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Button, Input, Label, ProgressBar, TextArea, TextField } from 'react-aria-components';
import { api, unwrap } from '../lib/api';
import { CONFIG_PRESETS, presetText, type PresetName } from '../lib/presets';
import { formatBytes, percentOf, progressFetch, type UploadProgress } from '../lib/upload';
import { DropZone } from '../components/DropZone';
import { ErrorNote } from '../components/ErrorNote';
import { ValidationReport } from '../components/ValidationReport';
import { StatusChip } from '../components/bits';
import { canWrite, useUser } from '../session';

const JsonEditor = lazy(() => import('../components/JsonEditor'));

type ModelView = Awaited<ReturnType<typeof uploadModel>>;

function uploadModel(fields: { file: File; name: string; description: string; config: string }, onProgress: (progress: UploadProgress) => void, signal: AbortSignal) {
  const form = new FormData();
  form.append('name', fields.name);
  if (fields.description) form.append('description', fields.description);
  if (fields.config.trim()) form.append('config', fields.config);
  form.append('file', fields.file, fields.file.name);
  return unwrap(
    api.POST('/api/v1/internal/models', {
      body: { file: '', name: fields.name },
      bodySerializer: () => form,
      fetch: progressFetch(onProgress, signal),
      signal,
    }),
  );
}

export default function Upload() {
  const user = useUser();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [preset, setPreset] = useState<PresetName>('classification');
  const [config, setConfig] = useState(presetText('classification'));
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ModelView | null>(null);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);

  if (!canWrite(user)) return <p>Your role ({user.role}) cannot upload models.</p>;

  const choose = (picked: File) => {
    setFile(picked);
    if (!name) setName(picked.name.replace(/\.(onnx|zip|plan|engine)$/i, '').slice(0, 128));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    abort.current = new AbortController();
    setBusy(true);
    try {
      const model = await uploadModel({ file, name, description, config }, setProgress, abort.current.signal);
      setResult(model);
      void queryClient.invalidateQueries({ queryKey: ['models'] });
    } catch (failure) {
      setError(failure instanceof DOMException && failure.name === 'AbortError' ? new Error('The upload was cancelled.') : failure);
      setProgress(null);
    } finally {
      abort.current = null;
      setBusy(false);
    }
  };
  const uploading = busy;

  return (
    <section>
      <h1>Upload a model</h1>
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <DropZone label="Model file" hint="Drop an .onnx, .zip (TF.js or SavedModel), .plan or .engine file here, or press to choose one" accept=".onnx,.zip,.plan,.engine" file={file} onFile={choose} />
        <TextField className="field" value={name} onChange={setName} isRequired maxLength={128}>
          <Label>Name</Label>
          <Input />
        </TextField>
        <TextField className="field" value={description} onChange={setDescription} maxLength={2000}>
          <Label>Description</Label>
          <TextArea rows={2} />
        </TextField>
        <fieldset className="presets">
          <legend>Config preset</legend>
          {(Object.keys(CONFIG_PRESETS) as PresetName[]).map((key) => (
            <label key={key} className="radio">
              <input
                type="radio"
                name="preset"
                value={key}
                checked={preset === key}
                onChange={() => {
                  setPreset(key);
                  setConfig(presetText(key));
                }}
              />
              {CONFIG_PRESETS[key].label}
              <span className="muted small"> — {CONFIG_PRESETS[key].description}</span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <span className="label" id="config-label">
            Config (JSON)
          </span>
          <Suspense fallback={<textarea aria-labelledby="config-label" className="code" rows={10} value={config} onChange={(event) => setConfig(event.target.value)} />}>
            <JsonEditor value={config} onChange={setConfig} label="Config (JSON)" />
          </Suspense>
        </div>
        <div className="row">
          <Button type="submit" className="button primary" isDisabled={!file || !name.trim() || uploading}>
            Upload and validate
          </Button>
          {uploading && (
            <Button className="button secondary" onPress={() => abort.current?.abort()}>
              Cancel upload
            </Button>
          )}
        </div>
      </form>
      {progress && (
        <ProgressBar className="progress" value={percentOf(progress)} aria-label="Upload progress">
          {({ percentage }) => (
            <>
              <div className="progress-track">
                <div className="progress-fill" style={{ width: `${percentage}%` }} />
              </div>
              <span className="progress-text">
                {formatBytes(progress.sent)} of {formatBytes(progress.total)} sent ({Math.round(percentage ?? 0)}%)
                {progress.sent >= progress.total && !result && !error ? ' — validating…' : ''}
              </span>
            </>
          )}
        </ProgressBar>
      )}
      <ErrorNote error={error} context="Upload failed" />
      {result && (
        <div className="stack">
          <p>
            Uploaded <Link to={`/models/${result.id}`}>{result.name}</Link> <StatusChip status={result.status} />
          </p>
          <ValidationReport validation={result.validation} signature={result.signature} />
          <Link className="button primary" to={`/models/${result.id}`}>
            Open the model
          </Link>
        </div>
      )}
    </section>
  );
}
