import { rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ArtifactFormat, ModelSignature } from '../../engines/sdk/index.js';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { locateArchiveModel } from '../storage/artifact-format.js';
import { ModelFileStorage } from '../storage/model-file-storage.js';
import { MultipartUploadReader, StagedUpload } from '../storage/multipart-upload-reader.js';
import { SafeZipExtractor } from '../storage/safe-zip-extractor.js';
import { ArtifactValidator } from './artifact-validator.js';
import { ModelConfig, ModelConfigError, parseModelConfig, resolveModelConfig } from './model-config.js';
import type { ValidationReport, VersionStatus } from './model.entity.js';
import { MODEL_NAME_MAX_URL_LENGTH, modelNameProblem } from './model-name.js';

/** A validated upload still in tmp/, ready to be promoted into the store. */
export interface PreparedArtifact {
  stagingDir: string;
  /** Path of the artifact relative to the staging (later: version) directory. */
  artifactRelative: string;
  format: ArtifactFormat;
  engine: string;
  status: VersionStatus;
  report: ValidationReport;
  signature: ModelSignature | null;
  config: ModelConfig;
  sha256: string;
  /** Digest of the artifact as it will be stored, checked before every load. */
  artifactSha256: string;
  sizeBytes: number;
  originalName: string;
}

export interface UploadFields {
  name?: string;
  description?: string;
  /** Undefined when the form had no `config` field. */
  rawConfig?: unknown;
}

export function invalidConfig(error: ModelConfigError): ApiError {
  return ApiError.badRequest('INVALID_MODEL_CONFIG', error.message, { field: error.field });
}

/** Runs a config through parse and (for a valid model) resolve, turning failures into 400s. */
export function checkConfig(config: ModelConfig, signature: ModelSignature | null): void {
  if (!signature) return;
  try {
    resolveModelConfig(config, signature);
  } catch (error) {
    if (error instanceof ModelConfigError) throw invalidConfig(error);
    throw error;
  }
}

function textField(value: unknown, field: string, limits: { min: number; max: number; required: boolean }): string | undefined {
  if (value === undefined) {
    if (limits.required) throw ApiError.badRequest('VALIDATION_FAILED', `${field} is required`, [{ field, message: 'Required' }]);
    return undefined;
  }
  if (typeof value !== 'string') throw ApiError.badRequest('VALIDATION_FAILED', `${field} must be text`, [{ field, message: 'Expected a string' }]);
  const trimmed = value.trim();
  if (trimmed.length < limits.min || trimmed.length > limits.max) {
    const message = `Must be ${limits.min}–${limits.max} characters`;
    throw ApiError.badRequest('VALIDATION_FAILED', `${field}: ${message.toLowerCase()}`, [{ field, message }]);
  }
  return trimmed;
}

/** A name, when given, is never blank; `required` says whether it may be absent. */
export function modelNameOf(value: unknown, required: boolean): string | undefined {
  const name = textField(value, 'name', { min: 1, max: MODEL_NAME_MAX_URL_LENGTH, required });
  const problem = name === undefined ? null : modelNameProblem(name);
  if (problem) throw ApiError.badRequest('VALIDATION_FAILED', `name: ${problem}`, [{ field: 'name', message: problem }]);
  return name;
}

export function descriptionOf(value: unknown): string | undefined {
  return textField(value, 'description', { min: 0, max: 2000, required: false });
}

/**
 * Turns an upload form into a validated artifact in tmp/: checks the fields, unpacks zips
 * safely, detects the format, asks the engine to validate, and checks the config against the
 * signature. Nothing here touches the database or models/; the caller promotes the result.
 */
@Injectable()
export class ModelUploadService {
  constructor(
    private readonly reader: MultipartUploadReader,
    private readonly zips: SafeZipExtractor,
    private readonly storage: ModelFileStorage,
    private readonly validator: ArtifactValidator,
    private readonly config: AppConfig,
  ) {}

  /**
   * Reads the form. `defaultConfig` applies when the form has no `config` field (new versions).
   * The returned artifact's staging directory belongs to the caller (promote or discard it).
   */
  async receive(request: FastifyRequest, options: { requireName: boolean; defaultConfig?: ModelConfig }): Promise<{ fields: UploadFields; artifact: PreparedArtifact }> {
    const form = await this.reader.read(request);
    const upload = form.upload;
    try {
      if (!upload) throw ApiError.badRequest('FILE_REQUIRED', 'The form needs a `file` part holding the model');
      if (upload.sizeBytes === 0) throw ApiError.badRequest('EMPTY_FILE', 'The uploaded model file is empty');
      const fields: UploadFields = {
        // A version upload ignores `name`: the model already has one.
        name: options.requireName ? modelNameOf(form.fields.name, true) : undefined,
        description: descriptionOf(form.fields.description),
        rawConfig: form.fields.config,
      };
      let config: ModelConfig;
      try {
        config = fields.rawConfig === undefined && options.defaultConfig ? options.defaultConfig : parseModelConfig(fields.rawConfig);
      } catch (error) {
        if (error instanceof ModelConfigError) throw invalidConfig(error);
        throw error;
      }
      const artifact = await this.prepare(upload, config);
      return { fields, artifact };
    } catch (error) {
      if (upload) await this.storage.removeStaging(upload.stagingDir);
      throw error;
    }
  }

  /** Removes a prepared artifact that will not be stored. */
  discard(artifact: PreparedArtifact): Promise<void> {
    return this.storage.removeStaging(artifact.stagingDir);
  }

  private async prepare(upload: StagedUpload, config: ModelConfig): Promise<PreparedArtifact> {
    let format: ArtifactFormat;
    let artifactPath: string;
    if (upload.kind.kind === 'zip') {
      const unpacked = join(upload.stagingDir, 'model');
      await this.zips.extract(upload.filePath, unpacked, { maxEntries: this.config.storage.maxZipEntries, maxUnzippedBytes: this.config.storage.maxUnzippedBytes, maxInflationRatio: this.config.storage.maxZipInflationRatio });
      await rm(upload.filePath, { force: true });
      const located = await locateArchiveModel(unpacked);
      format = located.format;
      artifactPath = located.root;
    } else {
      format = upload.kind.format;
      artifactPath = upload.filePath;
    }
    return this.prepareStaged({ ...upload, format, artifactPath }, config);
  }

  /**
   * Validates an artifact already laid out in a staging directory (an unpacked upload, or a
   * model the platform ships). On failure the caller still owns the staging directory.
   */
  async prepareStaged(
    upload: Pick<StagedUpload, 'stagingDir' | 'sha256' | 'sizeBytes' | 'originalName'> & { format: ArtifactFormat; artifactPath: string },
    config: ModelConfig,
  ): Promise<PreparedArtifact> {
    const { format, artifactPath } = upload;
    let validation;
    try {
      validation = await this.validator.validate({ format, path: artifactPath }, config.engine);
    } catch (error) {
      if (error instanceof ModelConfigError) throw invalidConfig(error);
      throw error;
    }
    if (validation.report.ok) checkConfig(config, validation.signature);

    return {
      stagingDir: upload.stagingDir,
      artifactRelative: relative(upload.stagingDir, artifactPath).split(sep).join('/'),
      format,
      engine: validation.engine,
      status: validation.report.ok ? 'validated' : 'invalid',
      report: validation.report,
      signature: validation.signature,
      config,
      sha256: upload.sha256,
      artifactSha256: await this.storage.digest(artifactPath),
      sizeBytes: upload.sizeBytes,
      originalName: upload.originalName.slice(0, 512),
    };
  }
}
