// A Dockerfile read as a list of stages and steps, for tests that assemble an image's layout
// without a container engine: continuation lines joined, comments dropped, `FROM x AS y` split.

export interface DockerStep {
  readonly instruction: string;
  /** Everything after the instruction word, continuation lines joined with a space. */
  readonly args: string;
}

export interface DockerStage {
  /** The image or earlier stage this one starts from. */
  readonly from: string;
  readonly name: string | undefined;
  readonly steps: readonly DockerStep[];
}

export function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const stages: { from: string; name: string | undefined; steps: DockerStep[] }[] = [];
  for (const line of logical) {
    const space = line.search(/\s/);
    const instruction = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const args = space === -1 ? '' : line.slice(space + 1).trim();
    if (instruction === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (match === null) throw new Error(`Dockerfile: cannot read "FROM ${args}"`);
      stages.push({ from: match[1]!, name: match[2], steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`Dockerfile: ${instruction} before the first FROM`);
    stage.steps.push({ instruction, args });
  }
  return stages;
}

/** `COPY [--from=x] [--chown=u:g] src... dest` split into its parts. */
export function parseCopy(args: string): { from: string | undefined; sources: string[]; dest: string } {
  const words = args.split(/\s+/).filter((w) => w !== '');
  let from: string | undefined;
  const rest: string[] = [];
  for (const word of words) {
    if (word.startsWith('--from=')) from = word.slice('--from='.length);
    else if (!word.startsWith('--')) rest.push(word);
  }
  const dest = rest.pop();
  if (dest === undefined || rest.length === 0) throw new Error(`Dockerfile: cannot read "COPY ${args}"`);
  return { from, sources: rest, dest };
}

/** `ENV A=1 B=2` (or the old `ENV A 1`) as a record. */
export function parseEnv(args: string): Record<string, string> {
  if (!args.includes('=')) {
    const [name, ...value] = args.split(/\s+/);
    return { [name!]: value.join(' ') };
  }
  const out: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
    out[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}
