import type { ModelConfig } from './model-config.js';

/** The 80 COCO object classes, in the order the sample detector numbers them (0 = person). */
export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
];

/**
 * The sample model: MobileNetV3-CenterNet, a COCO object detector (TF.js graph model, 4 MB),
 * shipped inside the @vladmandic/human package. Its graph decodes boxes itself and returns
 * [1, 100, 6] rows of [x1, y1, x2, y2, score, class] in 512×512 input pixels.
 */
export const SAMPLE_MODEL = {
  name: 'sample-object-detector',
  description: 'MobileNetV3-CenterNet trained on COCO (80 classes: person, cat, dog, cup, car…), shipped by the @vladmandic/human package. Drop a photo in Try it.',
  packageName: '@vladmandic/human',
  /** Files inside the package: the topology (stored as model.json) and its weight shard. */
  topologyFile: 'models/centernet.json',
  weightFiles: ['models/centernet.bin'],
  config: {
    engine: 'tensorflow',
    task: 'detection',
    // Trained on 0–255 RGB pixels; letterboxing keeps the aspect ratio, which this detector needs.
    preprocess: { layout: 'NHWC', resize: 'letterbox', scale: 1 },
    postprocess: { format: 'xyxy', output: 'tower_0/detections', labels: COCO_LABELS, scoreThreshold: 0.3, iouThreshold: 0.5, maxDetections: 20 },
    batching: { maxBatchSize: 1 },
  } satisfies ModelConfig,
} as const;
