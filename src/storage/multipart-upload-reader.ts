import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { ModelFileStorage } from './model-file-storage.js';
import { uploadKindFor, type UploadKind } from './artifact-format.js';

/** A model file that has been streamed to tmp/, hashed and fsynced. */
export interface StagedUpload {
  stagingDir: string;
  filePath: string;
  originalName: string;
  kind: UploadKind;
  sha256: string;
  sizeBytes: number;
}

export interface UploadForm {
  fields: Record<string, unknown>;
  /** Absent when the form had no `file` part; the caller decides whether that is an error. */
  upload?: StagedUpload;
}

const FILE_FIELD = 'file';

async function drain(stream: Readable): Promise<void> {
  await pipeline(
    stream,
    new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    }),
  ).catch(() => undefined);
}

/** Multipart parser errors from @fastify/multipart mapped to our codes. */
function mapMultipartError(error: unknown): unknown {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The model file is larger than the configured limit (MAX_MODEL_BYTES)');
  if (code === 'FST_INVALID_JSON_FIELD_ERROR') return new ApiError(400, 'INVALID_MODEL_CONFIG', 'config is not valid JSON', { field: 'config' });
  if (code === 'FST_MP_PREMATURE_CLOSE') return ApiError.badRequest('UPLOAD_INTERRUPTED', 'The upload ended before the form was complete');
  if (error instanceof Error && /Unexpected end of (multipart|form)|Malformed|Boundary not found|Multipart:/i.test(error.message)) {
    return ApiError.badRequest('INVALID_MULTIPART', 'The multipart body is malformed');
  }
  return error;
}

/**
 * Reads a model upload form without buffering the file: the `file` part is piped through a
 * SHA-256 hash into a fresh directory under DATA_DIR/tmp and fsynced. Field parts are returned
 * as values. On any failure the staging directory is removed before the error propagates.
 */
@Injectable()
export class MultipartUploadReader {
  constructor(private readonly storage: ModelFileStorage) {}

  async read(request: FastifyRequest): Promise<UploadForm> {
    if (!request.isMultipart()) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Expected multipart/form-data with a `file` part');
    }
    const fields: Record<string, unknown> = {};
    let upload: StagedUpload | undefined;
    let stagingDir: string | undefined;
    // Errors found mid-stream are raised only after the body is consumed, so the client
    // always gets a clean response rather than a reset connection.
    let deferred: ApiError | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.valueTruncated) deferred ??= ApiError.badRequest('FIELD_TOO_LARGE', `Form field ${part.fieldname} is too large`);
          else if (!(part.fieldname in fields)) fields[part.fieldname] = part.value;
          continue;
        }
        if (part.fieldname !== FILE_FIELD || upload || deferred) {
          if (part.fieldname === FILE_FIELD && upload) deferred ??= ApiError.badRequest('MULTIPLE_FILES', 'Send exactly one `file` part');
          await drain(part.file);
          continue;
        }
        let kind: UploadKind;
        try {
          kind = uploadKindFor(part.filename ?? '');
        } catch (error) {
          deferred = error as ApiError;
          await drain(part.file);
          continue;
        }
        stagingDir = await this.storage.createStagingDir();
        const filePath = join(stagingDir, kind.kind === 'zip' ? 'upload.zip' : kind.storedName);
        const written = await this.storage.writeStream(part.file, filePath);
        if (part.file.truncated) {
          await this.storage.removeStaging(stagingDir);
          stagingDir = undefined;
          deferred = new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The model file is larger than the configured limit (MAX_MODEL_BYTES)');
          continue;
        }
        upload = { stagingDir, filePath, originalName: part.filename, kind, sha256: written.sha256, sizeBytes: written.sizeBytes };
      }
      if (deferred) throw deferred;
      return { fields, upload };
    } catch (error) {
      if (stagingDir) await this.storage.removeStaging(stagingDir);
      throw mapMultipartError(error);
    }
  }
}
