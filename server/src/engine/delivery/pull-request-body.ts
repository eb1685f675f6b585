// The body of a pull request Driftless opens: what each environment will receive (the rendered diff, as
// `driftless diff --format markdown` prints it), the validation result, and the drift of the target environments when
// it is known; cut at the forge's limit with a note, never mid-line or inside an open code block.
import type { ForgeKind } from './forge';
import { OVERRIDE_TRAILER, overrideValue } from './commit-message';

/**
 * The longest body each forge takes, in characters (code points). GitHub answers 422 "body is too long (maximum is
 * 65536 characters)"; GitLab validates descriptions against 1,000,000 (Gitlab::Database::MAX_TEXT_SIZE_LIMIT); Gitea
 * and Forgejo set none (CreatePullRequestOption.Body has no size binding, the column is LONGTEXT), so Driftless keeps
 * them to GitLab's, which a pull request page still shows.
 */
export const BODY_LIMITS: Record<ForgeKind, number> = { github: 65_536, gitlab: 1_000_000, gitea: 1_000_000 };

export interface ValidationSummary {
  errors: number;
  warnings: number;
  infos: number;
  files: number;
  /** Committed despite the errors, as the commit's override trailer records. */
  overridden?: boolean;
}

export interface PullRequestBodyInput {
  /** The rendered diff per environment, as Markdown (engine/render/diff-markdown). */
  renderedDiff: string;
  validation?: ValidationSummary;
  /** The drift of the target environments, as Markdown, when a cluster was reachable. */
  drift?: string;
  /** Said first: where the change comes from (the commit's message body, say). */
  description?: string;
  forge: ForgeKind;
}

export interface PullRequestBody {
  body: string;
  /** Whether the body was cut to fit the forge's limit (the note says so at its end). */
  cut: boolean;
  /** The length before cutting, in code points. */
  fullLength: number;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function validationSection(validation: ValidationSummary): string {
  const counts = `${plural(validation.errors, 'error')}, ${plural(validation.warnings, 'warning')}, ${plural(validation.infos, 'info')} in ${plural(validation.files, 'file')}`;
  const verdict =
    validation.errors === 0
      ? `✅ Validation passed: ${counts}.`
      : validation.overridden
        ? `⚠️ Committed despite validation errors (\`${OVERRIDE_TRAILER}: ${overrideValue(validation.errors)}\`): ${counts}.`
        : `❌ Validation failed: ${counts}.`;
  return `### Driftless: validation\n\n${verdict}`;
}

const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/** The first `limit` code points of `text` (a surrogate pair is never split). */
function firstCodePoints(text: string, limit: number): string {
  let end = 0;
  let count = 0;
  for (const character of text) {
    if (count === limit) break;
    end += character.length;
    count++;
  }
  return text.slice(0, end);
}

/**
 * `text` cut to at most `room` code points at a line's end, with what was open closed again: a ``` fence, a
 * `<details>` section.
 */
function cutMarkdown(text: string, room: number): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  let used = 0;
  let fenceOpen = false;
  let detailsOpen = 0;
  const closing = () => (fenceOpen ? 4 : 0) + detailsOpen * 11; // '\n```' and '\n</details>'
  for (const line of lines) {
    const cost = codePoints(line) + 1;
    const opensFence = /^\s*```/.test(line);
    const nextFence: boolean = opensFence ? !fenceOpen : fenceOpen;
    const nextDetails = detailsOpen + (/<details>/.test(line) ? 1 : 0) - (/<\/details>/.test(line) ? 1 : 0);
    const closingAfter = (nextFence ? 4 : 0) + Math.max(0, nextDetails) * 11;
    if (used + cost + closingAfter > room) break;
    kept.push(line);
    used += cost;
    fenceOpen = nextFence;
    detailsOpen = Math.max(0, nextDetails);
  }
  if (used + closing() > room) return firstCodePoints(text, Math.max(0, room));
  if (fenceOpen) kept.push('```');
  for (let i = 0; i < detailsOpen; i++) kept.push('</details>');
  return kept.join('\n');
}

/** The body: description, validation, drift, then the rendered diff (the long part, cut first when too long). */
export function buildPullRequestBody(input: PullRequestBodyInput, limit: number = BODY_LIMITS[input.forge]): PullRequestBody {
  const head = [
    input.description?.trim(),
    input.validation ? validationSection(input.validation) : undefined,
    input.drift?.trim() ? input.drift.trim() : undefined,
  ].filter((part): part is string => !!part);
  const footer = '<sub>Proposed with Driftless: what each environment receives, rendered with its own kustomize and helm.</sub>';
  const parts = [...head, input.renderedDiff.trim(), footer].filter(Boolean);
  const full = parts.join('\n\n');
  const fullLength = codePoints(full);
  if (fullLength <= limit) return { body: full, cut: false, fullLength };
  const note = (shown: number) =>
    `> ✂️ Cut to fit ${input.forge === 'github' ? "GitHub's" : input.forge === 'gitlab' ? "GitLab's" : "Gitea's"} limit of ${limit.toLocaleString('en-US')} characters: ${shown.toLocaleString('en-US')} of ${fullLength.toLocaleString('en-US')} shown. \`driftless diff --format markdown\` prints all of it.`;
  // The note's own length, with room for the largest numbers it can hold.
  const noteRoom = codePoints(note(fullLength)) + 2;
  const before = head.join('\n\n');
  const headRoom = codePoints(before) + (before ? 2 : 0);
  let kept: string;
  if (headRoom + noteRoom < limit)
    kept = (before ? `${before}\n\n` : '') + cutMarkdown(input.renderedDiff.trim(), limit - headRoom - noteRoom);
  else kept = cutMarkdown(full, limit - noteRoom);
  const body = `${kept.trimEnd()}\n\n${note(codePoints(kept))}`;
  return { body, cut: true, fullLength };
}
