import { Args, Command } from '@oclif/core';
import { completionScript, type CompletionTable } from '../cli/completion-scripts.js';

/** Tab completion of commands and flags, generated from the commands themselves so it never goes stale. */
export default class Completion extends Command {
  static override summary = 'Print a shell completion script for commands and flags';
  static override description = [
    'bash: add `eval "$(schema completion bash)"` to ~/.bashrc.',
    'zsh: add `eval "$(schema completion zsh)"` to ~/.zshrc.',
    'fish: `schema completion fish > ~/.config/fish/completions/schema.fish`.',
  ].join('\n');
  static override examples = ['<%= config.bin %> completion bash', '<%= config.bin %> completion zsh', '<%= config.bin %> completion fish'];
  static override args = { shell: Args.string({ description: 'The shell', options: ['bash', 'zsh', 'fish'], default: 'bash' }) };

  async run() {
    const { args } = await this.parse(Completion);
    const table: CompletionTable = this.config.commands.filter((c) => !c.hidden).map((c) => ({
      words: c.id.split(':'),
      summary: c.summary ?? '',
      flags: Object.values(c.flags).filter((f) => !f.hidden).map((f) => ({ name: f.name, char: f.char, summary: f.summary ?? '', takesValue: f.type === 'option' })),
    }));
    process.stdout.write(completionScript(args.shell as 'bash' | 'zsh' | 'fish', table, ['schema', 'schemaform']));
  }
}
