/**
 * Whether a `q=` string parses as Lucene's classic query syntax, which the engines answer a
 * 400 for when it does not (`tag:(a`, `a OR`, `a/b`: `/` opens a regular expression). This only
 * checks the syntax; which of it the store can match is query.ts's business.
 *
 * The grammar, as Lucene's classic QueryParser has it:
 *   query  := [modifier] clause ( [AND|OR] [modifier] clause )*
 *   clause := [field ':'] ( term | '(' query ')' [boost] )
 *   term   := (word | phrase | regexp | range) [fuzzy] [boost] [fuzzy]
 * with AND as `AND`/`&&`, OR as `OR`/`||`, modifiers `+`, `-`, `NOT`, `!`, boosts `^number`,
 * fuzziness `~` with an optional number, and `\` escaping the next character.
 */

type Kind =
  | 'word'
  | 'phrase'
  | 'regexp'
  | 'range'
  | 'and'
  | 'or'
  | 'not'
  | 'plus'
  | 'minus'
  | 'lparen'
  | 'rparen'
  | 'colon'
  | 'caret'
  | 'tilde'
  | 'eof'

interface Token {
  kind: Kind
  text: string
  /** 0-based column where the token starts. */
  at: number
}

/** Characters that end a word (besides whitespace), as Lucene's lexer has them. */
const SPECIAL = new Set([
  '+',
  '-',
  '!',
  '(',
  ')',
  ':',
  '^',
  '[',
  ']',
  '"',
  '{',
  '}',
  '~',
  '\\',
  '/',
])
const MAX_DEPTH = 100

/** Whether a word cannot go on with this character (`-`, `+` and `\` continue one). */
function endsWord(ch: string | undefined): boolean {
  return ch === undefined || /\s/.test(ch) || (SPECIAL.has(ch) && !'-+\\'.includes(ch))
}

/** Why a query does not parse: Lucene's message, and the type its error has in the engine. */
export interface QueryProblem {
  /** `parse_exception` (the grammar), `token_mgr_error` (the lexer: an unclosed phrase, ...). */
  type: 'parse_exception' | 'token_mgr_error'
  message: string
}

class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly type: QueryProblem['type'] = 'parse_exception',
  ) {
    super(message)
  }
}

/** How Lucene's grammar names each kind of token in its errors. */
const LABELS: Record<Kind, string> = {
  word: '<TERM>',
  phrase: '<QUOTED>',
  regexp: '<REGEXPTERM>',
  range: '<RANGE_GOOP>',
  and: '<AND>',
  or: '<OR>',
  not: '<NOT>',
  plus: '"+"',
  minus: '"-"',
  lparen: '"("',
  rparen: '")"',
  colon: '":"',
  caret: '"^"',
  tilde: '<FUZZY_SLOP>',
  eof: '<EOF>',
}

/** Lucene's words for the token that was not expected (its label, then what it read). */
function encountered(token: Token): string {
  return token.kind === 'eof'
    ? `Encountered "<EOF>" at line 1, column ${token.at}.`
    : `Encountered " ${LABELS[token.kind]} "${token.text} "" at line 1, column ${token.at}.`
}

/**
 * The lexer's error at the end of the input, `image` being what it had read of the token (it
 * names that only past its first character), in Lucene's default lexical state (2).
 */
function lexical(at: number, image: string): SyntaxProblem {
  const escaped = image.replace(/["\\]/g, '\\$&')
  const after = image.length <= 1 ? '' : ` after prefix "${escaped}"`
  return new SyntaxProblem(
    `Lexical error at line 1, column ${at + 1}.  Encountered: <EOF>${after} (in lexical state 2)`,
    'token_mgr_error',
  )
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const push = (kind: Kind, text: string, at: number): void => {
    tokens.push({ kind, text, at })
  }
  while (i < q.length) {
    const c = q[i]
    if (/\s/.test(c)) {
      i++
      continue
    }
    const start = i
    if (c === '"' || c === '/') {
      // A phrase or a regular expression runs to the next unescaped closing mark.
      let j = i + 1
      while (j < q.length && q[j] !== c) j += q[j] === '\\' ? 2 : 1
      if (j >= q.length) throw lexical(q.length, q.slice(start))
      push(c === '"' ? 'phrase' : 'regexp', q.slice(start, j + 1), start)
      i = j + 1
    } else if (c === '[' || c === '{') {
      const end = /[\]}]/.exec(q.slice(i + 1))
      if (end === null)
        throw new SyntaxProblem(encountered({ kind: 'eof', text: '', at: q.length }))
      const inner = q.slice(i + 1, i + 1 + end.index).match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []
      if (inner.length !== 3 || inner[1] !== 'TO' || inner[0] === 'TO' || inner[2] === 'TO') {
        throw new SyntaxProblem(encountered({ kind: 'eof', text: '', at: i + 1 + end.index }))
      }
      push('range', q.slice(start, i + 2 + end.index), start)
      i += 2 + end.index
    } else if ((c === '&' || c === '|') && q[i + 1] === c && endsWord(q[i + 2])) {
      // `&&` and `||` are operators only where no longer word starts (`||b` is a word).
      push(c === '&' ? 'and' : 'or', c + c, start)
      i += 2
    } else if (SPECIAL.has(c) && c !== '\\') {
      const kinds: Record<string, Kind> = {
        '+': 'plus',
        '-': 'minus',
        '!': 'not',
        '(': 'lparen',
        ')': 'rparen',
        ':': 'colon',
        '^': 'caret',
        '~': 'tilde',
      }
      const kind = kinds[c]
      if (kind === undefined) throw new SyntaxProblem(encountered({ kind: 'word', text: c, at: i }))
      push(kind, c, start)
      i++
    } else {
      // A word: any run of characters that are not special (`-` and `+` allowed after the first).
      let j = i
      while (j < q.length && !/\s/.test(q[j])) {
        if (q[j] === '\\') {
          if (j + 1 >= q.length) throw lexical(q.length, q.slice(start))
          j += 2
          continue
        }
        if (SPECIAL.has(q[j]) && !(j > i && (q[j] === '-' || q[j] === '+'))) break
        j++
      }
      const word = q.slice(i, j)
      const kind: Kind =
        word === 'AND' ? 'and' : word === 'OR' ? 'or' : word === 'NOT' ? 'not' : 'word'
      push(kind, word, start)
      i = j
    }
  }
  push('eof', '', q.length)
  return tokens
}

/** Lucene's error for `q`, or undefined when it parses. */
export function queryStringProblem(q: string): QueryProblem | undefined {
  let tokens: Token[]
  try {
    tokens = tokenize(q)
  } catch (err) {
    if (err instanceof SyntaxProblem) return { type: err.type, message: err.message }
    throw err
  }
  let pos = 0
  const peek = (): Token => tokens[pos]
  const take = (): Token => tokens[pos++]
  const fail = (): never => {
    throw new SyntaxProblem(encountered(peek()))
  }
  const number = (): void => {
    if (peek().kind === 'word' && /^\d+(\.\d+)?$/.test(peek().text)) take()
    else fail()
  }
  const boost = (): void => {
    if (peek().kind === 'caret') {
      take()
      number()
    }
  }
  const fuzzy = (): void => {
    if (peek().kind === 'tilde') {
      take()
      if (peek().kind === 'word' && /^\d+(\.\d+)?$/.test(peek().text)) take()
    }
  }
  const clause = (depth: number): void => {
    if (peek().kind === 'word' && tokens[pos + 1].kind === 'colon') {
      take()
      take()
    }
    const t = take()
    if (t.kind === 'lparen') {
      if (depth >= MAX_DEPTH) throw new SyntaxProblem('too many nested groups')
      query(depth + 1)
      if (take().kind !== 'rparen') {
        pos--
        fail()
      }
      boost()
      return
    }
    if (t.kind !== 'word' && t.kind !== 'phrase' && t.kind !== 'regexp' && t.kind !== 'range') {
      pos--
      fail()
    }
    fuzzy()
    boost()
    fuzzy()
  }
  const modifier = (): void => {
    const k = peek().kind
    if (k === 'plus' || k === 'minus' || k === 'not') take()
  }
  const query = (depth: number): void => {
    modifier()
    clause(depth)
    for (;;) {
      const k = peek().kind
      if (k === 'eof' || k === 'rparen') return
      if (k === 'and' || k === 'or') take()
      modifier()
      clause(depth)
    }
  }
  try {
    query(0)
    if (peek().kind !== 'eof') fail()
    return undefined
  } catch (err) {
    if (err instanceof SyntaxProblem) return { type: err.type, message: err.message }
    throw err
  }
}
