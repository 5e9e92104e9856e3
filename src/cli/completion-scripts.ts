/** What a completion script knows: each command's words, summary and flags. */
export type CompletionTable = Array<{
  words: string[];
  summary: string;
  flags: Array<{ name: string; char?: string; summary: string; takesValue: boolean }>;
}>;

/** A shell's completion script for `bins`, from the command table. */
export function completionScript(shell: 'bash' | 'zsh' | 'fish', table: CompletionTable, bins: string[]): string {
  if (shell === 'fish') return fishScript(table, bins);
  const script = bashScript(table, bins);
  // zsh runs bash completion functions through bashcompinit.
  return shell === 'zsh' ? `autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n${script}` : script;
}

/** Word lists are plain identifiers and flag names: nothing in them needs quoting inside '...'. */
const list = (words: Iterable<string>) => [...new Set(words)].join(' ');

function bashScript(table: CompletionTable, bins: string[]): string {
  const cases: string[] = [];
  // Words that may follow a prefix: the top level and each topic (`state`).
  const prefixes = new Map<string, string[]>();
  for (const { words } of table) {
    for (let i = 0; i < words.length; i++) {
      const prefix = words.slice(0, i).join(' ');
      prefixes.set(prefix, [...(prefixes.get(prefix) ?? []), words[i]!]);
    }
  }
  for (const [prefix, next] of prefixes) {
    const command = table.find((c) => c.words.join(' ') === prefix);
    const flags = command ? flagWords(command.flags) : [];
    cases.push(`    '${prefix}') words='${list(next)}'; flags='${list(flags)}' ;;`);
  }
  for (const command of table) {
    const prefix = command.words.join(' ');
    if (prefixes.has(prefix)) continue;
    cases.push(`    '${prefix}') words=''; flags='${list(flagWords(command.flags))}' ;;`);
  }
  return `_schemaform_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" w i words flags
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && break
    cmd="\${cmd:+$cmd }$w"
  done
  case "$cmd" in
${cases.join('\n')}
    *) words=''; flags='' ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ -n "$words" ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=()
  fi
}
complete -o default -F _schemaform_complete ${bins.join(' ')}
`;
}

function flagWords(flags: CompletionTable[number]['flags']): string[] {
  return [...flags.map((f) => `--${f.name}`), ...flags.filter((f) => f.char).map((f) => `-${f.char}`), '--help'];
}

function fishScript(table: CompletionTable, bins: string[]): string {
  const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  const lines: string[] = [];
  for (const bin of bins) {
    lines.push(`complete -c ${bin} -f`);
    // A topic (`state`) is offered at the top level like a command.
    for (const topic of new Set(table.filter((c) => c.words.length > 1).map((c) => c.words[0]!))) {
      if (!table.some((c) => c.words.length === 1 && c.words[0] === topic)) lines.push(`complete -c ${bin} -n __fish_use_subcommand -a ${topic}`);
    }
    for (const command of table) {
      const [first, second] = command.words;
      const condition = second === undefined
        ? `__fish_use_subcommand`
        : `__fish_seen_subcommand_from ${first}; and not __fish_seen_subcommand_from ${list(table.filter((c) => c.words[0] === first && c.words[1]).map((c) => c.words[1]!))}`;
      lines.push(`complete -c ${bin} -n ${quote(condition)} -a ${second ?? first} -d ${quote(command.summary)}`);
      const seen = command.words.map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ');
      for (const flag of command.flags) {
        lines.push(`complete -c ${bin} -n ${quote(seen)} -l ${flag.name}${flag.char ? ` -s ${flag.char}` : ''}${flag.takesValue ? ' -r -F' : ''} -d ${quote(flag.summary)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
