import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { contextOf, withCommonOptions } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { table } from './output.js';
import type { InferenceView } from './views.js';

const round = (value: number, digits = 4) => Number(value.toFixed(digits));

function describeResults(response: InferenceView, files: string[]): string {
  return response.results
    .map((result, index) => {
      const title = `${files[index] ?? `image ${index}`}:`;
      if (result.predictions) return `${title}\n${table(['RANK', 'LABEL', 'SCORE'], result.predictions.map((p, rank) => [rank + 1, p.label, round(p.score)]))}`;
      if (result.detections) {
        if (result.detections.length === 0) return `${title}\n  no detections`;
        return `${title}\n${table(['LABEL', 'SCORE', 'X', 'Y', 'WIDTH', 'HEIGHT'], result.detections.map((d) => [d.label, round(d.score), round(d.box.x, 1), round(d.box.y, 1), round(d.box.width, 1), round(d.box.height, 1)]))}`;
      }
      const outputs = Object.entries(result.outputs ?? {});
      return `${title}\n${table(['OUTPUT', 'DTYPE', 'SHAPE'], outputs.map(([name, tensor]) => [name, tensor.dtype, `[${tensor.shape.join(', ')}]`]))}`;
    })
    .join('\n\n');
}

export function inferCommand(program: Command): void {
  withCommonOptions(
    program
      .command('infer')
      .description('Run images through a deployed model; prints predictions or detections as a table')
      .argument('<model>', 'model id or name')
      .argument('<images...>', 'image files (PNG, JPEG, WebP, ...)')
      .option('--access-token <token>', 'access token (default: MODELPORT_ACCESS_TOKEN)')
      .option('--top-k <k>', 'classification: how many classes per image')
      .option('--score-threshold <score>', 'detection: minimum score'),
  ).action(async (model: string, images: string[], _options, command: Command) => {
    const { options, out, session } = contextOf(command);
    const accessToken = (options.accessToken as string | undefined) ?? process.env.MODELPORT_ACCESS_TOKEN;
    if (!accessToken) throw new CliError(EXIT.USAGE, 'NO_ACCESS_TOKEN', 'infer needs an access token: --access-token TOKEN or MODELPORT_ACCESS_TOKEN (see `modelport tokens create`)');
    const form = new FormData();
    for (const image of images) {
      if (!existsSync(image)) throw new CliError(EXIT.USAGE, 'FILE_NOT_FOUND', `No such file: ${image}`);
      form.append('image', new Blob([new Uint8Array(readFileSync(image))]), basename(image));
    }
    if (options.topK !== undefined) form.append('topK', String(options.topK));
    if (options.scoreThreshold !== undefined) form.append('scoreThreshold', String(options.scoreThreshold));
    const response = (await session().call(
      (client) =>
        client.POST('/api/v1/inference/{modelId}', {
          params: { path: { modelId: model } },
          body: form as never,
          bodySerializer: (body: unknown) => body as FormData,
          headers: { 'X-Access-Token': accessToken, 'X-Auth-Token': null as never },
        }),
      { retry: false },
    )) as unknown as InferenceView;
    out.result(response, () => describeResults(response, images));
  });
}
