import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { formatPlanMarkdown } from '../plan/format-markdown.js';
import { formatPlanText } from '../plan/format-text.js';
import { readPlanFile } from '../plan/plan-file.js';

export default class Show extends BaseCommand {
  static override summary = 'Render a saved plan for people';
  static override examples = ['<%= config.bin %> show plans/20261124T101500Z-a1b2c3.plan.json', '<%= config.bin %> show PLAN --format markdown > comment.md'];
  static override args = { plan: Args.string({ description: 'Plan file', required: true }) };
  static override flags = {
    format: Flags.string({ summary: 'text for terminals, markdown for pull-request comments.', options: ['text', 'markdown'], default: 'text' }),
    'show-sql': Flags.boolean({ summary: 'Print every statement under its step (text format).' }),
  };

  async run() {
    const { args, flags } = await this.parse(Show);
    const plan = await readPlanFile(args.plan);
    this.say(flags.format === 'markdown' ? formatPlanMarkdown(plan) : formatPlanText(plan, this.style, { showSql: flags['show-sql'] }));
    return plan;
  }
}
