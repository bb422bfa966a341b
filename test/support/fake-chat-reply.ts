/** One chat message as the fakes see it: the role and the text of its text parts, joined. */
export interface FakeChatMessage {
  role: string;
  content: string;
}

/** What a fake chat endpoint hands to its replier, whatever the wire format was. */
export interface FakeChatRequest {
  model: string;
  /** The system prompt(s), joined by blank lines; empty when there is none. */
  system: string;
  /** The conversation without the system prompt, oldest first. */
  messages: FakeChatMessage[];
}

/** Writes the whole answer to a chat request; see {@link fakeChatReply} for the default. */
export type FakeChatReplier = (request: FakeChatRequest) => string;

/** A reply cut to the asked token budget, and the pieces a streaming answer sends. */
export interface FakeCompletion {
  text: string;
  /** `length` when the budget cut the reply short. */
  finish: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
  /** `text` in a few words per piece; the pieces join back into `text` exactly. */
  deltas: string[];
}

/** The fake's words (also its tokens): lowercase letter/digit runs, a few English suffixes stripped. */
export function fakeWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem);
}

const suffixes = ['ings', 'ing', 'edly', 'ed', 'es', 's'];

function stem(word: string): string {
  for (const suffix of suffixes) {
    if (!word.endsWith(suffix) || word.length - suffix.length < 3) continue;
    if (suffix === 's' && word.endsWith('ss')) return word;
    return word.slice(0, -suffix.length);
  }
  return word;
}

/** The reply to a refused question: what a careful RAG model says when its sources do not cover it. */
export const notInSourcesReply = 'I could not find this in the sources.';

/**
 * The default reply, deterministic and derived only from the request, so tests check behaviour rather
 * than canned strings. A request for code (the prompt mentions a `fenced code block`) gets a fenced stub
 * plus one line of explanation. Otherwise, numbered sources (a line starting with `[n]`, the passage on
 * the lines below it) are answered like a careful RAG model: a quote from the one or two passages sharing
 * the most words with the last user question, cited as `[n]`, or {@link notInSourcesReply} when none
 * shares a word. Without sources the reply is that refusal when the system prompt mentions sources, else
 * `You said: <last user message>`.
 */
export function fakeChatReply(request: FakeChatRequest): string {
  const lastUser = request.messages.findLast((message) => message.role === 'user')?.content ?? '';
  const userTexts = request.messages
    .filter((message) => message.role === 'user')
    .map((message) => message.content);
  const prompted = [request.system, ...userTexts];
  const sources = uniqueSources(prompted.flatMap((text) => splitSources(text).sources));
  // When the sources sit in the question's own message, the question is what surrounds them.
  const question = splitSources(lastUser).rest.trim() || lastUser;
  const cited = pickSources(sources, question);
  if (/\bfenced code blocks?\b/i.test(prompted.join('\n'))) {
    return codeReply(detectLanguage([question, request.system]), question, cited);
  }
  if (cited.length > 0) return quoteReply(cited, question);
  if (sources.length > 0 || /\bsources?\b/i.test(request.system)) return notInSourcesReply;
  return `You said: ${lastUser.trim()}`;
}

/**
 * Runs `replier` (or {@link fakeChatReply}) and cuts its reply after `maxTokens` words, the way a real
 * model stops mid-sentence at its output budget.
 */
export function composeFakeCompletion(
  request: FakeChatRequest,
  replier: FakeChatReplier | undefined,
  maxTokens: number | undefined,
): FakeCompletion {
  const pieces = (replier ?? fakeChatReply)(request).match(/\s*\S+/g) ?? [];
  const kept = maxTokens === undefined ? pieces : pieces.slice(0, maxTokens);
  const promptText = [request.system, ...request.messages.map((message) => message.content)].join('\n');
  const deltas: string[] = [];
  // Three words per piece: small enough that every reply streams in several deltas.
  for (let index = 0; index < kept.length; index += 3) deltas.push(kept.slice(index, index + 3).join(''));
  return {
    text: kept.join('').trimStart(),
    finish: kept.length < pieces.length ? 'length' : 'stop',
    promptTokens: Math.max(fakeWords(promptText).length, 1),
    completionTokens: kept.length,
    deltas: deltas.map((delta, index) => (index === 0 ? delta.trimStart() : delta)),
  };
}

interface Source {
  number: number;
  text: string;
}

const sourceHeader = /^\s*\[(\d+)\]\s*(.*)$/;
/** A label after the last passage (`Question: …`) ends it, so the question is not read as source text. */
const sectionLabel = /^\s*(question|query|task|instructions?|user question)\s*:/i;

/** The numbered sources in one prompt text, and the text outside them. */
function splitSources(text: string): { sources: Source[]; rest: string } {
  const sources: Source[] = [];
  const rest: string[] = [];
  let current: { number: number; header: string; lines: string[] } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const body = current.lines.join('\n').trim();
    sources.push({ number: current.number, text: body === '' ? current.header : body });
    current = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    const header = sourceHeader.exec(line);
    if (header !== null) {
      flush();
      current = { number: Number(header[1]), header: header[2] ?? '', lines: [] };
    } else if (current !== undefined && !sectionLabel.test(line)) {
      current.lines.push(line);
    } else {
      flush();
      rest.push(line);
    }
  }
  flush();
  return { sources, rest: rest.join('\n') };
}

function uniqueSources(sources: Source[]): Source[] {
  return sources.filter(
    (source, index) => sources.findIndex((other) => other.number === source.number) === index,
  );
}

const stopWords = new Set(
  'a an and are as at be by can could do does did for from has have how i in is it its me my of on or our please should so that the their them there these this to was we were what when where which who why will with would you your'.split(
    ' ',
  ),
);

/**
 * Stemmed words of `text` that carry meaning (stop words dropped before stemming: `this` is not `thi`).
 * camelCase identifiers count as their words, so a question can match code.
 */
function contentWords(text: string): Set<string> {
  const raw =
    text
      .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(fakeWords(raw.filter((word) => !stopWords.has(word)).join(' ')));
}

function sharedWords(text: string, question: Set<string>): number {
  let shared = 0;
  for (const word of contentWords(text)) if (question.has(word)) shared += 1;
  return shared;
}

/** The best source, and the runner-up when it is at least half as relevant; none that share no word. */
function pickSources(sources: Source[], question: string): Source[] {
  const words = contentWords(question);
  const ranked = sources
    .map((source) => ({ source, score: sharedWords(source.text, words) }))
    .filter((entry) => entry.score > 0)
    .sort((left, right) => right.score - left.score || left.source.number - right.source.number);
  const [best, second] = ranked;
  if (best === undefined) return [];
  return second !== undefined && second.score * 2 >= best.score
    ? [best.source, second.source]
    : [best.source];
}

/** The sentence or line of `source` sharing the most words with the question, at most 20 words. */
function quote(source: Source, question: string): string {
  const words = contentWords(question);
  const segments = source.text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((segment) => segment.replace(/\s+/g, ' ').trim())
    .filter((segment) => segment !== '' && !segment.startsWith('```'));
  let best = segments[0] ?? source.text;
  for (const segment of segments) if (sharedWords(segment, words) > sharedWords(best, words)) best = segment;
  return best
    .split(' ')
    .slice(0, 20)
    .join(' ')
    .replace(/[.;:,]+$/, '');
}

function quoteReply(cited: Source[], question: string): string {
  const [first, second] = cited.map((source) => `"${quote(source, question)}" [${source.number}]`);
  return second === undefined ? `The sources say: ${first}.` : `The sources say: ${first}. Also: ${second}.`;
}

/** Languages a code request can name, by the words that name them; TypeScript when none is named. */
const languages: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'typescript', pattern: /\b(typescript|ts)\b/i },
  { name: 'javascript', pattern: /\b(javascript|js|node\.?js)\b/i },
  { name: 'python', pattern: /\bpython\b/i },
  { name: 'go', pattern: /\bgolang\b|\bGo\b/ },
  { name: 'rust', pattern: /\brust\b/i },
  { name: 'java', pattern: /\bjava\b/i },
  { name: 'bash', pattern: /\b(bash|shell)\b/i },
  { name: 'sql', pattern: /\bsql\b/i },
];

function detectLanguage(texts: string[]): string {
  for (const text of texts) {
    const fence = /```([a-z]+)/i.exec(text)?.[1]?.toLowerCase();
    const named = languages.find((language) => language.pattern.test(text))?.name;
    if (named !== undefined) return named;
    if (fence !== undefined) return fence;
  }
  return 'typescript';
}

/** Words of an instruction that say nothing about what the code does. */
const fillerWords = new Set(
  'write create implement generate make add give show code function method helper utility class snippet script program fenced block blocks only just one using use return returns which'.split(
    ' ',
  ),
);

function codeReply(language: string, instruction: string, cited: Source[]): string {
  const named = languages.map((entry) => entry.pattern);
  const words = (
    instruction.replace(/\bin an? fenced code blocks?\b/gi, ' ').match(/[A-Za-z][A-Za-z0-9]*/g) ?? []
  )
    .filter((word) => !named.some((pattern) => pattern.test(word)))
    .map((word) => word.toLowerCase())
    .filter((word) => !stopWords.has(word) && !fillerWords.has(word))
    .slice(0, 3);
  const nameWords = words.length > 0 ? words : ['solution'];
  const summary = nameWords.join(' ');
  const citation = cited[0] === undefined ? '' : ` [${cited[0].number}]`;
  const { name, code } = codeStub(language, nameWords, summary);
  return `\`\`\`${language}\n${code}\n\`\`\`\nThe stub \`${name}\` covers: ${summary}${citation}.`;
}

function codeStub(language: string, words: string[], summary: string): { name: string; code: string } {
  const snake = words.join('_');
  const camel = words.map((word, index) => (index === 0 ? word : capitalise(word))).join('');
  switch (language) {
    case 'python':
      return {
        name: snake,
        code: `def ${snake}(value: str) -> str:\n    """${summary}."""\n    return value`,
      };
    case 'go': {
      const name = capitalise(camel);
      return {
        name,
        code: `// ${name} does: ${summary}.\nfunc ${name}(input string) string {\n\treturn input\n}`,
      };
    }
    case 'rust':
      return {
        name: snake,
        code: `/// ${summary}.\npub fn ${snake}(input: &str) -> String {\n    input.to_string()\n}`,
      };
    case 'java':
      return {
        name: camel,
        code: `// ${summary}.\npublic static String ${camel}(String input) {\n  return input;\n}`,
      };
    case 'bash':
      return { name: snake, code: `# ${summary}.\n${snake}() {\n  printf '%s\\n' "$1"\n}` };
    case 'sql':
      return { name: snake, code: `-- ${summary}.\nSELECT 1 AS ${snake};` };
    case 'javascript':
      return {
        name: camel,
        code: `/** ${summary}. */\nexport function ${camel}(input) {\n  return input;\n}`,
      };
    default:
      return {
        name: camel,
        code: `/** ${summary}. */\nexport function ${camel}(input: string): string {\n  return input;\n}`,
      };
  }
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
