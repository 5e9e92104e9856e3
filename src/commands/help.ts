import { Args, Command, loadHelpClass } from '@oclif/core';

/** `schema help plan`, as git and Terraform have it: the same text as `schema plan --help`. */
export default class Help extends Command {
  static override summary = 'Show help for a command';
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help plan', '<%= config.bin %> help state show'];
  static override strict = false;
  static override args = { command: Args.string({ description: 'The command (its words, as typed)', required: false }) };

  async run() {
    const { argv } = await this.parse(Help);
    const Class = await loadHelpClass(this.config);
    await new Class(this.config, this.config.pjson.oclif.helpOptions ?? {}).showHelp(argv as string[]);
  }
}
