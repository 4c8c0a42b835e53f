/** Starting points for the model config editor; every key is one the server's schema accepts. */
export type PresetName = 'classification' | 'detection' | 'raw';

export const CONFIG_PRESETS: Record<PresetName, { label: string; description: string; config: Record<string, unknown> }> = {
  classification: {
    label: 'Classification',
    description: 'An image classifier (e.g. ImageNet): top-k labels with scores.',
    config: {
      task: 'classification',
      preprocess: { resize: 'stretch', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      postprocess: { topK: 5, softmax: 'auto', labels: [] },
    },
  },
  detection: {
    label: 'Detection',
    description: 'A YOLO-style detector: boxes with labels and scores.',
    config: {
      task: 'detection',
      preprocess: { resize: 'letterbox', padValue: 114 },
      postprocess: { format: 'yolov8', scoreThreshold: 0.25, iouThreshold: 0.45, labels: [] },
    },
  },
  raw: {
    label: 'Raw',
    description: 'Any model: the outputs come back as tensors.',
    config: { task: 'raw' },
  },
};

export function presetText(name: PresetName): string {
  return JSON.stringify(CONFIG_PRESETS[name].config, null, 2);
}

export interface ConfigProblem {
  /** Dotted path of the field, or "config" for the document itself. */
  field: string;
  message: string;
  line?: number;
}

/** The line (1-based) of a character offset in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) if (text[index] === '\n') line++;
  return line;
}

/** Parses config text; an empty editor means "no config". Syntax errors name their line. */
export function parseConfigText(text: string): { value: unknown } | { problem: ConfigProblem } {
  if (text.trim() === '') return { value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: { field: 'config', message: 'The config must be a JSON object' } };
    return { value };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? lineAt(text, Number(position[1])) : undefined;
    return { problem: { field: 'config', message: `Not valid JSON${line ? ` (line ${line})` : ''}: ${message}`, line } };
  }
}
