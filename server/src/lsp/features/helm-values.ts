// `.Values.x.y` in a chart's templates, for hover, go to definition and completion: the chart's values.yaml and the
// values files of the environments that render the chart (engine/helm/values-references), its values.schema.json.
import { basename, dirname, join } from 'node:path';
import { valuesReferenceAt, type ValuesFile, type ValuesReference } from '../../engine/helm/values-references';
import type { DocumentRequest } from '../document-requests';

export interface HelmValuesContext {
  reference: ValuesReference;
  files: ValuesFile[];
  schemaText: string | undefined;
}

/** The chart folder of a template: the folder above its nearest `templates` folder. */
function chartOf(template: string): string | undefined {
  for (let dir = dirname(template); dir !== dirname(dir); dir = dirname(dir)) if (basename(dir) === 'templates') return dirname(dir);
  return undefined;
}

export function helmValuesAt(request: DocumentRequest, offset: number): HelmValuesContext | undefined {
  const { state, document } = request;
  const project = state.project;
  if (!project.facts(state.path).inHelmChartTemplates) return undefined;
  const reference = valuesReferenceAt(document.getText(), offset);
  const chart = chartOf(state.path);
  if (!reference || !chart) return undefined;
  const paths = [join(chart, 'values.yaml')];
  for (const environment of project.environments()) {
    const plan = project.renderPlanOf(environment);
    if (plan.kind === 'helm' && plan.chart === chart) for (const file of plan.valuesFiles) if (!paths.includes(file)) paths.push(file);
  }
  const files = paths.flatMap((file) => {
    const read = project.files.readText(file);
    return read.ok ? [{ file, text: read.text }] : [];
  });
  const schema = project.files.readText(join(chart, 'values.schema.json'));
  return { reference, files, schemaText: schema.ok ? schema.text : undefined };
}
