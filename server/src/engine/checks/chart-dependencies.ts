// A Chart.yaml's local dependencies (`repository: file://../common`): each must name a folder holding a chart.
import { checkChartDependencies } from '../helm/chart-dependencies';
import type { CrossFileCheck } from './cross-file-check';

export const chartDependencies = {
  id: 'chart-dependencies',
  appliesTo: (file) => file.kind === 'helm-chart',
  check: ({ value, index }, file, context) => (index === 0 ? checkChartDependencies(file.path, value, context.files) : []),
} as const satisfies CrossFileCheck;
