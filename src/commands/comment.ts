import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { SchemaformError } from '../errors.js';
import { formatPlanMarkdown, GITHUB_COMMENT_LIMIT } from '../plan/format-markdown.js';
import { readPlanFile } from '../plan/plan-file.js';
import { detectProvider, markerFor, reviewThread, upsertComment, type Provider } from '../review/comment.js';

export default class Comment extends BaseCommand {
  static override summary = 'Post a plan to its pull request as one comment, updated in place';
  static override description = [
    'In a GitHub Actions or GitLab CI job for a pull (merge) request, writes the plan as Markdown (summary and hazards first, details collapsed) into one comment, found again by a hidden marker and edited on each run.',
    'GitHub: GITHUB_TOKEN (with pull-requests: write), GITHUB_REPOSITORY and the event GitHub provides. GitLab: GITLAB_TOKEN (api scope), CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID.',
    'A plan too long for a comment (65,536 characters) is shortened, with a note saying what was left out and where the full plan is.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> comment plan.json', '<%= config.bin %> comment plan.json --key staging --full-plan "the schema-plan artifact of this run"'];
  static override args = { plan: Args.string({ description: 'Plan file (`schema plan -o FILE` writes one even when there are no changes)', required: true }) };
  static override flags = {
    key: Flags.string({ summary: 'Which comment: one per key (e.g. per environment) in the same pull request.', default: 'default' }),
    provider: Flags.string({ summary: 'Where the pull request is. Default: from the CI variables (GITHUB_ACTIONS, GITLAB_CI).', options: ['github', 'gitlab'] }),
    pr: Flags.integer({ summary: 'The pull (merge) request number. Default: the job\'s own.' }),
    'full-plan': Flags.string({ summary: 'Where reviewers find the whole plan when the comment is shortened.', default: 'the plan file, attached to this job as an artifact' }),
  };

  async run() {
    const { args, flags } = await this.parse(Comment);
    const provider = (flags.provider as Provider | undefined) ?? detectProvider(process.env);
    if (!provider) throw new SchemaformError('not in GitHub Actions or GitLab CI: no pull request to comment on; no comment was written', { hint: 'Pass --provider github|gitlab with the variables it needs, or print the comment with `schema show PLAN --format markdown`.' });
    const plan = await readPlanFile(args.plan);
    const marker = markerFor(flags.key);
    const body = formatPlanMarkdown(plan, { limit: GITHUB_COMMENT_LIMIT, marker, fullPlan: flags['full-plan'] });
    const thread = reviewThread(provider, process.env, flags.pr);
    const { id, action } = await upsertComment(thread, marker, body);
    this.say(`${action === 'created' ? 'Commented on' : 'Updated the comment on'} ${thread.where} (comment ${id}, ${body.length} characters).`);
    return { provider, id, action, characters: body.length, marker };
  }
}
