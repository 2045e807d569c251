/**
 * Wildcard patterns (`*` any run of characters, and in queries `?` one character), matched
 * without backtracking: the pattern is split at its stars, and each piece between them is found
 * once, left to right, at its earliest place. For `*` patterns the earliest place is always the
 * right one, so nothing is ever tried twice: the work is bounded by the text's length times the
 * pattern's, however many stars it has (a regular expression of `.*` runs backtracks
 * exponentially on a text that almost matches).
 */

export interface WildcardOptions {
  /** `?` matches one character (query wildcards); otherwise it is a literal (index patterns). */
  questionMark?: boolean
}

/** Counts character comparisons, for tests that bound the work. */
export interface ComparisonCounter {
  comparisons: number
}

/** A compiled pattern: `test(text)` as a RegExp's, whole-text match. */
export interface WildcardMatcher {
  test(text: string, counter?: ComparisonCounter): boolean
}

export function wildcardMatcher(pattern: string, options: WildcardOptions = {}): WildcardMatcher {
  const pieces = pattern.split('*')
  const anyOne = options.questionMark === true
  return {
    test(text, counter) {
      const first = pieces[0]
      if (pieces.length === 1) {
        return text.length === first.length && pieceAt(text, 0, first, anyOne, counter)
      }
      const last = pieces[pieces.length - 1]
      if (text.length < first.length + last.length) return false
      if (!pieceAt(text, 0, first, anyOne, counter)) return false
      const end = text.length - last.length
      if (!pieceAt(text, end, last, anyOne, counter)) return false
      let from = first.length
      for (let i = 1; i < pieces.length - 1; i++) {
        const at = find(text, from, end, pieces[i], anyOne, counter)
        if (at < 0) return false
        from = at + pieces[i].length
      }
      return true
    },
  }
}

/** Whether `piece` stands in `text` at `at`. */
function pieceAt(
  text: string,
  at: number,
  piece: string,
  anyOne: boolean,
  counter: ComparisonCounter | undefined,
): boolean {
  for (let j = 0; j < piece.length; j++) {
    if (counter) counter.comparisons++
    const c = piece[j]
    if (text[at + j] !== c && !(anyOne && c === '?')) return false
  }
  return true
}

/** The earliest place from `from` where `piece` stands wholly before `end`, or -1. */
function find(
  text: string,
  from: number,
  end: number,
  piece: string,
  anyOne: boolean,
  counter: ComparisonCounter | undefined,
): number {
  if (piece === '') return from
  if (!anyOne || !piece.includes('?')) {
    const at = text.indexOf(piece, from)
    if (counter) counter.comparisons += (at < 0 ? end : at) - from + piece.length
    return at >= 0 && at + piece.length <= end ? at : -1
  }
  for (let at = from; at + piece.length <= end; at++) {
    if (pieceAt(text, at, piece, anyOne, counter)) return at
  }
  return -1
}
