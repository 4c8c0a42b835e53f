/**
 * Local narrowings of admin-API responses the CLI prints. The OpenAPI document does not
 * describe these bodies yet, so the typed client returns them untyped; only the fields read
 * here are declared.
 */
export interface ValidationReportView {
  ok: boolean;
  errors: Array<{ code: string; message: string }>;
  warnings: string[];
}

export interface VersionSummary {
  version: number;
  status: string;
  engine: string;
  format: string;
  active: boolean;
  sizeBytes: number;
  createdAt: string;
  validation: ValidationReportView;
}

export interface ModelSummary {
  id: string;
  name: string;
  engine: string;
  format: string;
  status: string;
  statusReason: string | null;
  version: number;
  activeVersion: number;
  validation: ValidationReportView;
  versions?: VersionSummary[];
}

export interface TokenSummary {
  id: string;
  name: string;
  status: string;
  tokenPreview: string;
  allowedModels: string[];
  usedThisMonth: number;
  expiresAt: string | null;
  lastUsedAt: string | null;
  token?: string;
}

export interface SessionView {
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string; role: string };
}

export interface InferenceView {
  modelId: string;
  version: number;
  results: Array<{
    predictions?: Array<{ index: number; label: string; score: number }>;
    detections?: Array<{ index: number; label: string; score: number; box: { x: number; y: number; width: number; height: number } }>;
    outputs?: Record<string, { shape: number[]; dtype: string; data: unknown[] }>;
  }>;
}
