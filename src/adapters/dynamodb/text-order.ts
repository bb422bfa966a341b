/** Compares two strings by their code points, as SQLite's binary collation compares UTF-8 bytes. */
export function compareText(left: string, right: string): number {
  if (left === right) return 0;
  const leftPoints = [...left];
  const rightPoints = [...right];
  for (let index = 0; index < Math.min(leftPoints.length, rightPoints.length); index++) {
    const difference = (leftPoints[index]?.codePointAt(0) ?? 0) - (rightPoints[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return leftPoints.length - rightPoints.length;
}

/** `value` with ASCII letters lower-cased: the folding of SQLite's NOCASE, which ids compare by. */
export function asciiLowerCase(value: string): string {
  return value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
