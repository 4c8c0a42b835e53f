import { describe, expect, it } from 'vitest';
import { parseModelConfig, resolveModelConfig } from '../../../src/models/model-config';
import { configProblems } from '../components/config-problems';
import { CONFIG_PRESETS, lineAt, parseConfigText, presetText, type PresetName } from './presets';

describe('config presets', () => {
  it('every preset is accepted by the server\'s own config parser', () => {
    for (const name of Object.keys(CONFIG_PRESETS) as PresetName[]) {
      expect(() => parseModelConfig(presetText(name)), name).not.toThrow();
      expect(configProblems(presetText(name)), name).toEqual([]);
    }
  });

  it('classification and detection presets resolve against an image model with the intended task', () => {
    const signature = { inputs: [{ name: 'images', dtype: 'float32' as const, shape: [1, 3, 224, 224] }], outputs: [{ name: 'out', dtype: 'float32' as const, shape: [1, 1000] }] };
    expect(resolveModelConfig(parseModelConfig(presetText('classification')), signature)).toMatchObject({ task: 'classification', preprocess: { mean: [0.485, 0.456, 0.406] } });
    expect(resolveModelConfig(parseModelConfig(presetText('detection')), signature)).toMatchObject({ task: 'detection', preprocess: { resize: 'letterbox' }, postprocess: { format: 'yolov8' } });
    expect(resolveModelConfig(parseModelConfig(presetText('raw')), signature).task).toBe('raw');
  });

  it('reports JSON syntax errors with their line, and non-objects', () => {
    const result = parseConfigText('{\n  "task": "raw",\n  oops\n}');
    expect('problem' in result && result.problem.line).toBe(3);
    expect(parseConfigText('[1, 2]')).toEqual({ problem: { field: 'config', message: 'The config must be a JSON object' } });
    expect(parseConfigText('   ')).toEqual({ value: {} });
    expect(lineAt('a\nb\nc', 4)).toBe(3);
  });

  it('names the field of a schema violation, as the upload would', () => {
    expect(configProblems('{"task": "segmentation"}')).toEqual([expect.objectContaining({ field: 'task' })]);
    expect(configProblems('{"preprocess": {"mean": [1, 2]}}')).toEqual([expect.objectContaining({ field: 'preprocess.mean' })]);
    expect(configProblems('{"tsak": "raw"}')).toEqual([{ field: 'tsak', message: 'unknown key tsak' }]);
  });
});
