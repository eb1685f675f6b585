// A values file against its chart's values.schema.json, as helm validates the coalesced values: `values.yaml`, or an
// environment's `values-<env>.yaml`/`values.<env>.yaml`, next to a Chart.yaml and a values.schema.json.
import { baseName } from '../classify/file-kind';
import { checkHelmValues } from '../helm/helm-values-checks';
import type { CrossFileCheck, CrossFileContext } from './cross-file-check';

const VALUES_FILE = /^values([-._][^/\\]*)?\.ya?ml$/i;

/** The chart folder of a values file checked against a values.schema.json. */
function chartOf(path: string, context: CrossFileContext): string | undefined {
  const files = context.files;
  const folder = files.dirname(path);
  return files.kindOf(files.resolve(folder, 'Chart.yaml')) === 'file' &&
    files.kindOf(files.resolve(folder, 'values.schema.json')) === 'file'
    ? folder
    : undefined;
}

export const helmValuesSchema = {
  id: 'helm-values-schema',
  appliesTo: (file) => VALUES_FILE.test(baseName(file.path)),
  check({ index, content }, file, context) {
    const chart = index === 0 ? chartOf(file.path, context) : undefined;
    if (chart === undefined) return [];
    const files = context.files;
    const schema = context.jsonFile(files.resolve(chart, 'values.schema.json'));
    if (schema === undefined) return [];
    const chartName = (context.yamlFile(files.resolve(chart, 'Chart.yaml')) as { name?: unknown } | undefined)?.name;
    const options = { chartName: typeof chartName === 'string' ? chartName : baseName(chart) };
    const defaultsPath = ['values.yaml', 'values.yml'].map((name) => files.resolve(chart, name)).find((p) => files.kindOf(p) === 'file');
    if (!defaultsPath || defaultsPath === file.path) return checkHelmValues(content, schema, options);
    return checkHelmValues(content, schema, { ...options, merged: true, defaults: context.yamlFile(defaultsPath) });
  },
} as const satisfies CrossFileCheck;
