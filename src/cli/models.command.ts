import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { contextOf, type CommandContext, withCommonOptions } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { table } from './output.js';
import { resolveModel } from './resolve.js';
import type { Session } from './session.js';
import { multipartStream, uploadBar } from './upload.js';
import type { ModelSummary, ValidationReportView, VersionSummary } from './views.js';

const MODELS = '/api/v1/internal/models';

function describeModel(model: ModelSummary): string {
  const lines = [`${model.name} (${model.id})`, `  status: ${model.status}${model.statusReason ? ` — ${model.statusReason}` : ''}`, `  engine: ${model.engine} (${model.format}), active version ${model.activeVersion} of ${model.version}`];
  if (model.versions?.length) {
    lines.push(
      '',
      table(
        ['VERSION', 'STATUS', 'ACTIVE', 'ENGINE', 'SIZE', 'CREATED'],
        model.versions.map((version) => [version.version, version.status, version.active ? 'yes' : '', version.engine, `${(version.sizeBytes / 1024 / 1024).toFixed(1)} MB`, version.createdAt]),
      ),
    );
  }
  return lines.join('\n');
}

/** The validation report as a reader wants it: verdict, then each error and warning on its own line. */
export function describeValidation(report: ValidationReportView): string {
  const lines = [`validation: ${report.ok ? 'passed' : 'FAILED'}`];
  for (const error of report.errors) lines.push(`  error   ${error.code}: ${error.message}`);
  for (const warning of report.warnings) lines.push(`  warning ${warning}`);
  return lines.join('\n');
}

const asModel = (data: unknown) => data as ModelSummary;

function deploy(session: Session, id: string): Promise<ModelSummary> {
  return session.call((client) => client.POST('/api/v1/internal/models/{id}/deploy', { params: { path: { id } }, body: {} })).then(asModel);
}

function activate(session: Session, id: string, version: number): Promise<ModelSummary> {
  return session.call((client) => client.POST('/api/v1/internal/models/{id}/versions/{version}/activate', { params: { path: { id, version } } })).then(asModel);
}

/** Polls until the model is deployed; a failed deploy or the timeout ends it. */
async function waitDeployed(session: Session, id: string, timeoutSeconds: number): Promise<ModelSummary> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const model = await resolveModel(session, id);
    if (model.status === 'deployed') return model;
    if (model.status === 'failed') throw new CliError(EXIT.FAILED, 'DEPLOY_FAILED', `Deploying ${model.name} failed: ${model.statusReason ?? 'unknown reason'}`);
    if (Date.now() > deadline) throw new CliError(EXIT.TIMEOUT, 'TIMEOUT', `${model.name} is still ${model.status} after ${timeoutSeconds}s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function upload(context: CommandContext, file: string): Promise<void> {
  const { options, out } = context;
  if (!existsSync(file)) throw new CliError(EXIT.USAGE, 'FILE_NOT_FOUND', `No such file: ${file}`);
  if (!options.name && !options.model) throw new CliError(EXIT.USAGE, 'USAGE', 'upload needs --name NAME (a new model) or --model ID (a new version)');
  const fields: Record<string, string> = {};
  if (options.config) {
    const path = String(options.config);
    if (!existsSync(path)) throw new CliError(EXIT.USAGE, 'FILE_NOT_FOUND', `No such config file: ${path}`);
    const text = readFileSync(path, 'utf8');
    try {
      JSON.parse(text);
    } catch (error) {
      throw new CliError(EXIT.USAGE, 'INVALID_CONFIG', `${path} is not valid JSON: ${(error as Error).message}`);
    }
    fields.config = text;
  }
  if (options.description) fields.description = String(options.description);
  const session = context.session();
  session.requireLogin();
  // Check the session first: a streamed body cannot be sent again after a refresh.
  await session.call((client) => client.GET('/api/v1/internal/auth/me'));
  const existing = options.model ? await resolveModel(session, String(options.model)) : undefined;
  if (!existing) fields.name = String(options.name);
  let bar: ReturnType<typeof uploadBar> | undefined;
  const stream = multipartStream({ path: file, fields }, (sent) => bar?.update(sent));
  bar = uploadBar(stream.fileBytes, options.progress !== false);
  // The body is streamed from disk as it is sent; the typed client passes it through unchanged.
  const streamed = { body: stream.body, bodySerializer: (body: unknown) => body, headers: { 'content-type': stream.contentType, 'content-length': String(stream.totalBytes) }, duplex: 'half' } as unknown as { body: never };
  let created: ModelSummary & VersionSummary;
  try {
    const send = (client: Session['client']) =>
      existing ? client.POST('/api/v1/internal/models/{id}/versions', { params: { path: { id: existing.id } }, ...streamed }) : client.POST(MODELS, streamed);
    created = (await session.call<unknown>(send, { retry: false })) as ModelSummary & VersionSummary;
  } finally {
    bar.stop();
  }
  let model: ModelSummary = existing ? await resolveModel(session, existing.id) : created;
  const version = existing ? created.version : model.activeVersion;
  const validation = created.validation;
  if (!validation.ok) {
    out.result({ model, version, validation }, () => `${model.name} version ${version} uploaded\n${describeValidation(validation)}`);
    throw new CliError(EXIT.FAILED, 'MODEL_INVALID', `${model.name} version ${version} did not pass validation`, validation);
  }
  if (options.deploy) {
    if (existing) model = await activate(session, model.id, version);
    if (model.status !== 'deployed') model = await deploy(session, model.id);
    if (options.wait) model = await waitDeployed(session, model.id, Number(options.timeout));
  }
  out.result({ model, version, validation }, () => `${model.name} version ${version} uploaded (${model.id})\n${describeValidation(validation)}\nstatus: ${model.status}`);
}

export function modelCommands(program: Command): void {
  const models = program.command('models').description('Upload, deploy and manage models');
  const leaf = (name: string, description: string) => withCommonOptions(models.command(name).description(description));

  leaf('list', 'List models')
    .option('--status <status>', 'only models in this status (validated, invalid, deploying, deployed, failed)')
    .option('--search <text>', 'only models whose name contains this')
    .action(async (_options, command: Command) => {
      const { options, out, session } = contextOf(command);
      const query = { limit: 500, ...(options.status ? { status: options.status } : {}), ...(options.search ? { search: options.search } : {}) };
      const list = (await session().call((client) => client.GET(MODELS, { params: { query: query as never } }))) as unknown as { items: ModelSummary[]; total: number };
      out.result(list, () => (list.items.length === 0 ? 'No models' : table(['ID', 'NAME', 'STATUS', 'ENGINE', 'ACTIVE', 'LATEST'], list.items.map((m) => [m.id, m.name, m.status, m.engine, m.activeVersion, m.version]))));
    });

  leaf('get', 'Show a model and its versions')
    .argument('<model>', 'model id or name')
    .action(async (model: string, _options, command: Command) => {
      const { out, session } = contextOf(command);
      const found = await resolveModel(session(), model);
      out.result(found, () => describeModel(found));
    });

  leaf('upload', 'Upload a model file (or a new version with --model), with a progress bar')
    .argument('<file>', 'model file: .onnx, .plan, or a .zip of a TF.js / SavedModel directory')
    .option('--name <name>', 'name of the new model')
    .option('--model <model>', 'add a version to this model (id or name) instead of creating one')
    .option('--config <file>', 'model config JSON (task, preprocess, postprocess, batching, ...)')
    .option('--description <text>', 'description of a new model')
    .option('--deploy', 'deploy it (a new version is activated, hot-swapping a deployed model)')
    .option('--wait', 'with --deploy: wait until it is deployed')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '300')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, _options, command: Command) => upload(contextOf(command), file));


  leaf('deploy', 'Deploy a model (its active version)')
    .argument('<model>', 'model id or name')
    .option('--wait', 'wait until it is deployed')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '300')
    .action(async (model: string, _options, command: Command) => {
      const { options, out, session } = contextOf(command);
      const found = await resolveModel(session(), model);
      let result = await deploy(session(), found.id);
      if (options.wait) result = await waitDeployed(session(), found.id, Number(options.timeout));
      out.result(result, () => `${result.name}: deployed version ${result.activeVersion} (status ${result.status})`);
    });
  leaf('undeploy', 'Stop serving a model')
    .argument('<model>', 'model id or name')
    .action(async (model: string, _options, command: Command) => {
      const { out, session } = contextOf(command);
      const found = await resolveModel(session(), model);
      const result = asModel(await session().call((client) => client.POST('/api/v1/internal/models/{id}/undeploy', { params: { path: { id: found.id } } })));
      out.result(result, () => `${result.name}: undeployed (status ${result.status})`);
    });

  leaf('activate', 'Make a version active (a hot swap when deployed)')
    .argument('<model>', 'model id or name')
    .argument('<version>', 'version number')
    .action(async (model: string, version: string, _options, command: Command) => {
      const { out, session } = contextOf(command);
      if (!/^\d+$/.test(version)) throw new CliError(EXIT.USAGE, 'USAGE', `version must be a number, got "${version}"`);
      const found = await resolveModel(session(), model);
      const result = await activate(session(), found.id, Number(version));
      out.result(result, () => `${result.name}: version ${result.activeVersion} is active (status ${result.status})`);
    });

  leaf('rollback', 'Activate the previous valid version (or --to VERSION)')
    .argument('<model>', 'model id or name')
    .option('--to <version>', 'the version to go back to')
    .action(async (model: string, _options, command: Command) => {
      const { options, out, session } = contextOf(command);
      const found = await resolveModel(session(), model);
      const previous = options.to
        ? Number(options.to)
        : (found.versions ?? [])
            .filter((version) => version.version < found.activeVersion && version.status === 'validated')
            .map((version) => version.version)
            .sort((a, b) => b - a)[0];
      if (!previous || !Number.isInteger(previous)) throw new CliError(EXIT.FAILED, 'NO_PREVIOUS_VERSION', `${found.name} has no valid version before ${found.activeVersion}`);
      const result = await activate(session(), found.id, previous);
      out.result(result, () => `${result.name}: rolled back from version ${found.activeVersion} to ${result.activeVersion} (status ${result.status})`);
    });

  leaf('delete', 'Delete a model and its files')
    .argument('<model>', 'model id or name')
    .option('--force', 'undeploy it first if it is deployed')
    .action(async (model: string, _options, command: Command) => {
      const { options, out, session } = contextOf(command);
      const found = await resolveModel(session(), model);
      await session().call((client) => client.DELETE('/api/v1/internal/models/{id}', { params: { path: { id: found.id }, query: { force: options.force === true } as never } }));
      out.result({ id: found.id, name: found.name, deleted: true }, () => `${found.name} deleted`);
    });
}
