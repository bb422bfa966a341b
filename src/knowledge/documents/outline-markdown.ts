import type { DocumentSection } from './document-types.ts';

/** The sections of a Markdown file and its title. */
export interface MarkdownOutline {
  /** The text of the first level-1 heading, if there is one. */
  title?: string;
  /** Runs of lines from one ATX heading (included) to the next, with the trail of headings above them. */
  sections: DocumentSection[];
}

const atxHeading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const fenceLine = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * Splits Markdown at its ATX (`#`) headings. `#` lines inside fenced code blocks (``` or ~~~) are code,
 * not headings, and YAML (`---`) or TOML (`+++`) front matter at the top belongs to no section. Text
 * before the first heading is a section with an empty heading trail.
 */
export function outlineMarkdown(text: string): MarkdownOutline {
  const lines = text.split('\n');
  const sections: DocumentSection[] = [];
  const trail: Array<{ level: number; text: string }> = [];
  let title: string | undefined;
  let fence: { marker: string; length: number } | undefined;
  let current: DocumentSection = { headingPath: [], startLine: frontMatterLength(lines) + 1, endLine: 0 };
  for (let index = current.startLine - 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const fenceMatch = fenceLine.exec(line);
    if (fence !== undefined) {
      if (fenceMatch !== null && closesFence(fenceMatch, fence)) fence = undefined;
      continue;
    }
    // A backtick fence's info string may not contain backticks (that line is inline code instead).
    if (fenceMatch?.[1] !== undefined && !(fenceMatch[1][0] === '`' && fenceMatch[2]?.includes('`'))) {
      fence = { marker: fenceMatch[1][0] ?? '`', length: fenceMatch[1].length };
      continue;
    }
    const heading = atxHeading.exec(line);
    if (heading === null) continue;
    const level = heading[1]?.length ?? 1;
    const headingText = cleanHeading(heading[2] ?? '');
    while ((trail.at(-1)?.level ?? 0) >= level) trail.pop();
    trail.push({ level, text: headingText });
    if (level === 1 && title === undefined && headingText !== '') title = headingText;
    current.endLine = index;
    sections.push(current);
    current = { headingPath: trail.map((entry) => entry.text), startLine: index + 1, endLine: 0 };
  }
  current.endLine = lines.length;
  sections.push(current);
  const nonEmpty = sections.filter((section) => section.endLine >= section.startLine);
  return title === undefined ? { sections: nonEmpty } : { title, sections: nonEmpty };
}

/** Lines taken by front matter at the very top (0 when there is none or it is never closed). */
function frontMatterLength(lines: string[]): number {
  const opening = lines[0]?.trimEnd();
  if (opening !== '---' && opening !== '+++') return 0;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]?.trimEnd();
    if (line === opening || (opening === '---' && line === '...')) return index + 1;
  }
  return 0;
}

function closesFence(match: RegExpExecArray, fence: { marker: string; length: number }): boolean {
  const marker = match[1] ?? '';
  return marker[0] === fence.marker && marker.length >= fence.length && (match[2] ?? '').trim() === '';
}

/** Heading text as a reader sees it: no closing `#`s, no code ticks, emphasis markers or link targets. */
function cleanHeading(raw: string): string {
  return raw
    .replace(/(?:^|[ \t]+)#+$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`|\*\*/g, '')
    .trim();
}
