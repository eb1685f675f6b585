// What the requests that act on a workspace folder's repository (deliver, deploy) share: their host, and finding the
// folder's project once the server has opened the folders.
import type { Project } from '../../node/project';
import type { DeliveryFailure, DriftlessSettings } from '../../protocol';

export interface WorkspaceRequestHost {
  projects(): Project[];
  /** Resolves once the workspace folders are open (a request sent right after start waits rather than finds none). */
  foldersOpened(): Promise<void>;
  trusted(): boolean;
  settings(): DriftlessSettings;
  /** Logs a failure that is not the user's (never with a token). */
  log(message: string): void;
}

/** The project of a workspace folder (the first one when none is named), once the folders are open. */
export async function projectOfFolder(host: WorkspaceRequestHost, folder: string | undefined): Promise<Project | DeliveryFailure> {
  await host.foldersOpened();
  const projects = host.projects();
  const project = (folder && projects.find((p) => p.root === folder)) || projects[0];
  return project ?? { error: 'No workspace folder is open.', kind: 'no-folder' };
}
