import { useEffect, useRef, useState } from 'react';
import { Label, Slider, SliderOutput, SliderThumb, SliderTrack } from 'react-aria-components';
import { api, unwrap } from '../lib/api';
import { boxesToDraw, type Detection } from '../lib/boxes';
import { heatmapShape, toGrey } from '../lib/heatmap';
import { DropZone } from '../components/DropZone';
import { ErrorNote } from '../components/ErrorNote';
import { ColumnHeads } from '../components/bits';

type InferResult = Awaited<ReturnType<typeof runInference>>;
type RawTensor = { shape: number[]; dtype: string; data: Array<number | string | boolean> };

function runInference(modelId: string, photo: File) {
  const form = new FormData();
  form.append('image', photo, photo.name);
  // A low server threshold, so the slider can filter detections live without another request.
  form.append('scoreThreshold', '0.05');
  form.append('topK', '5');
  return unwrap(api.POST('/api/v1/internal/models/{id}/infer', { params: { path: { id: modelId } }, body: {}, bodySerializer: () => form }));
}

export function TryIt({ modelId, deployed, defaultThreshold }: { modelId: string; deployed: boolean; defaultThreshold: number }) {
  const [photo, setPhoto] = useState<File | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [result, setResult] = useState<InferResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [threshold, setThreshold] = useState(defaultThreshold);
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);

  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  const run = async (file: File) => {
    setPhoto(file);
    setUrl(URL.createObjectURL(file));
    setNatural(null);
    setResult(null);
    setError(null);
    setBusy(true);
    try {
      setResult(await runInference(modelId, file));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (!deployed) return <p>Deploy the model first; Try it runs the deployed model.</p>;
  const outcome = result?.results[0] as { predictions?: Array<{ label: string; score: number; index: number }>; detections?: Detection[]; outputs?: Record<string, RawTensor> } | undefined;

  return (
    <div className="stack">
      <DropZone label="Photo" hint="Drop a photo here, or press to choose one (JPEG, PNG, WebP…)" accept="image/*" file={photo} onFile={(file) => void run(file)} />
      {busy && <p role="status">Running the model…</p>}
      <ErrorNote error={error} context="Inference failed" />
      {outcome?.detections && (
        <Slider className="slider" value={threshold} onChange={setThreshold} minValue={0} maxValue={1} step={0.01}>
          <Label>Score threshold</Label>
          <SliderOutput />
          <SliderTrack className="slider-track">
            <SliderThumb className="slider-thumb" />
          </SliderTrack>
        </Slider>
      )}
      <div className="try-grid">
        {url && (
          <div className="photo-frame">
            <img src={url} alt="The photo sent to the model" onLoad={(event) => setNatural({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })} />
            {outcome?.detections && natural && <BoxOverlay detections={outcome.detections} threshold={threshold} natural={natural} />}
          </div>
        )}
        {outcome && (
          <div className="stack">
            {outcome.detections && <DetectionList detections={outcome.detections.filter((d) => d.score >= threshold)} />}
            {outcome.predictions && <PredictionBars predictions={outcome.predictions} />}
            {outcome.outputs && <RawOutputs outputs={outcome.outputs} />}
            {result && <Timing timing={result.timing} />}
          </div>
        )}
      </div>
      {result && (
        <details>
          <summary>Full JSON response</summary>
          <pre className="code">{JSON.stringify(result, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}

function BoxOverlay({ detections, threshold, natural }: { detections: Detection[]; threshold: number; natural: { width: number; height: number } }) {
  const caption = Math.max(14, natural.width / 30);
  const boxes = boxesToDraw(detections, threshold, natural.width, natural.height, caption);
  return (
    <svg className="overlay" viewBox={`0 0 ${natural.width} ${natural.height}`} preserveAspectRatio="none" role="img" aria-label={`${boxes.length} detections drawn on the photo`}>
      {boxes.map((box) => (
        <g key={box.key}>
          <rect x={box.x} y={box.y} width={box.width} height={box.height} fill="none" stroke={box.color} strokeWidth={Math.max(2, natural.width / 200)} />
          <rect x={box.x} y={box.captionY} width={Math.min(natural.width - box.x, caption * 7)} height={caption} fill={box.color} />
          <text x={box.x + caption * 0.2} y={box.captionY + caption * 0.8} fontSize={caption * 0.75} fill="#fff">
            {box.label} {(box.score * 100).toFixed(0)}%
          </text>
        </g>
      ))}
    </svg>
  );
}

function DetectionList({ detections }: { detections: Detection[] }) {
  if (detections.length === 0) return <p>No detection at or above this threshold.</p>;
  return (
    <table className="table compact" aria-label="Detections">
      <ColumnHeads names={['Label', 'Score', 'Box (x, y, w, h in photo pixels)']} />
      <tbody>
        {detections.map((detection, index) => (
          <tr key={index}>
            <td>{detection.label}</td>
            <td>{(detection.score * 100).toFixed(1)}%</td>
            <td>
              {[detection.box.x, detection.box.y, detection.box.width, detection.box.height].map((value) => Math.round(value)).join(', ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PredictionBars({ predictions }: { predictions: Array<{ label: string; score: number; index: number }> }) {
  return (
    <ol className="bars" aria-label="Top predictions">
      {predictions.map((prediction) => (
        <li key={prediction.index}>
          <span className="bar-label">{prediction.label}</span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar-fill" style={{ width: `${Math.max(1, prediction.score * 100)}%` }} />
          </span>
          <span className="bar-value">{(prediction.score * 100).toFixed(1)}%</span>
        </li>
      ))}
    </ol>
  );
}

function RawOutputs({ outputs }: { outputs: Record<string, RawTensor> }) {
  return (
    <div className="stack">
      <table className="table compact" aria-label="Raw outputs">
        <ColumnHeads names={['Output', 'Shape', 'Dtype', 'Values']} />
        <tbody>
          {Object.entries(outputs).map(([name, tensor]) => (
            <tr key={name}>
              <td>
                <code>{name}</code>
              </td>
              <td>
                <code>[{tensor.shape.join(', ')}]</code>
              </td>
              <td>{tensor.dtype}</td>
              <td>{tensor.data.length.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {Object.entries(outputs).map(([name, tensor]) => {
        const shape = heatmapShape(tensor.shape);
        return shape && typeof tensor.data[0] === 'number' ? <Heatmap key={name} name={name} values={tensor.data as number[]} {...shape} /> : null;
      })}
    </div>
  );
}

function Heatmap({ name, values, width, height }: { name: string; values: number[]; width: number; height: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const grey = toGrey(values.slice(0, width * height));
    const image = context.createImageData(width, height);
    grey.forEach((level, index) => {
      image.data.set([level, Math.round(level * 0.6), 255 - level, 255], index * 4);
    });
    context.putImageData(image, 0, 0);
  }, [values, width, height]);
  return (
    <figure className="heatmap">
      <figcaption>
        Heat map of <code>{name}</code> ({width}×{height})
      </figcaption>
      <canvas ref={canvas} width={width} height={height} role="img" aria-label={`Heat map of ${name}`} />
    </figure>
  );
}

function Timing({ timing }: { timing: { queueMs: number; preprocessMs: number; inferenceMs: number; postprocessMs: number; totalMs: number } }) {
  const rows: Array<[string, number]> = [
    ['Preprocess', timing.preprocessMs],
    ['Queue', timing.queueMs],
    ['Inference', timing.inferenceMs],
    ['Postprocess', timing.postprocessMs],
    ['Total', timing.totalMs],
  ];
  return (
    <table className="table compact" aria-label="Timing">
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{value.toFixed(1)} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

