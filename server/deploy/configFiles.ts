/**
 * Small readers for the deployment files the tests check (deploy/nginx.conf, Dockerfile), so a
 * test asserts on their structure (which directive, in which block, with which arguments)
 * rather than on the exact text. They read the subset of each syntax these files use.
 */

export interface NginxDirective {
  name: string;
  args: string[];
  /** The `{ … }` block that follows, when there is one. */
  block?: NginxDirective[];
}

function nginxTokens(text: string): string[] {
  const tokens: string[] = [];
  const re = /#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};#"']+)/g;
  for (const m of text.matchAll(re)) {
    if (m[0].startsWith('#')) continue;
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
  }
  return tokens;
}

export function parseNginx(text: string): NginxDirective[] {
  const tokens = nginxTokens(text);
  let i = 0;
  const block = (nested: boolean): NginxDirective[] => {
    const out: NginxDirective[] = [];
    let words: string[] = [];
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t === ';') {
        if (words.length) out.push({ name: words[0]!, args: words.slice(1) });
        words = [];
      } else if (t === '{') {
        if (!words.length) throw new Error('nginx config: a block without a directive');
        out.push({ name: words[0]!, args: words.slice(1), block: block(true) });
        words = [];
      } else if (t === '}') {
        if (!nested) throw new Error('nginx config: an unmatched }');
        if (words.length) throw new Error(`nginx config: "${words.join(' ')}" is missing its ;`);
        return out;
      } else words.push(t);
    }
    if (nested) throw new Error('nginx config: a block is not closed');
    if (words.length) throw new Error(`nginx config: "${words.join(' ')}" is missing its ;`);
    return out;
  };
  return block(false);
}

/** Every directive of that name at any depth. */
export function findAll(directives: NginxDirective[], name: string): NginxDirective[] {
  return directives.flatMap((d) => [...(d.name === name ? [d] : []), ...findAll(d.block ?? [], name)]);
}

export interface DockerInstruction {
  op: string;
  /** The rest of the line, continuation lines joined. */
  args: string;
}

export interface DockerStage {
  from: string;
  name?: string;
  instructions: DockerInstruction[];
}

export function parseDockerfile(text: string): DockerStage[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const stages: DockerStage[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, op, args = ''] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { op: op!.toUpperCase(), args: args.replace(/\s+/g, ' ').trim() };
    if (instruction.op === 'FROM') {
      const [from, as, name] = instruction.args.split(' ');
      stages.push({ from: from!, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      if (!stages.length) throw new Error(`Dockerfile: ${instruction.op} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** The command of CMD, ENTRYPOINT or HEALTHCHECK … CMD as a list of words (exec or shell form). */
export function commandOf(args: string): string[] {
  const rest = args.replace(/^(--\S+\s+)*(CMD\s+)?/, '');
  if (rest.startsWith('[')) return JSON.parse(rest) as string[];
  return ['/bin/sh', '-c', rest];
}
