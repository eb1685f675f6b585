// An environment's status as its background render found it, for the Environments view: it renders (with its errors
// and warnings), it fails (why, in a line, and where), it needs the network, or it is not rendered here (why).
import type { Environment, EnvironmentStatus } from '../../engine/environments/environment';
import { firstLineOf } from '../../engine/render/render-failure';
import type { Project } from '../project';
import { causeOfFinding, relativeMessage } from './render-failure-cause';
import type { RenderedCheck } from './rendered-validation';

export function environmentStatus(project: Project, environment: Environment, check: RenderedCheck): EnvironmentStatus | undefined {
  if (check.missingTool) return undefined;
  if (check.skipped) return { state: 'not-rendered', detail: check.skipped };
  const where = (file: string, line: number) => ({ file: project.displayPath(file), line });
  const unavailable = check.findings.find((f) => f.rule === 'render-unavailable');
  if (unavailable) {
    const remote = /it reads (.+), which needs the network/.exec(unavailable.message)?.[1];
    return { state: 'needs-network', detail: remote ?? 'a remote address', ...where(unavailable.file, unavailable.range.start.line) };
  }
  const failed = check.findings.find((f) => f.rule === 'render-failed');
  if (failed) {
    const toolText = failed.message.replace(`Rendering ${environment.name} failed: `, '');
    const cause = causeOfFinding(project, failed, firstLineOf(relativeMessage(project, toolText)));
    return { state: 'fails', detail: cause.cause, ...where(failed.file, failed.range.start.line) };
  }
  const count = (severity: string) => check.findings.filter((f) => f.severity === severity).length;
  return { state: 'renders', errors: count('error'), warnings: count('warning') };
}
