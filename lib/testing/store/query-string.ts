/**
 * The `query_string` syntax (`q=` and the `query_string` query), the subset the emulator
 * supports: terms and `field:value`, quoted phrases, wildcards (`*`, `?`), `field:*` and
 * `_exists_:field`, groups `( … )` and `field:( … )`, and the boolean operators `AND`, `OR`,
 * `NOT`, `&&`, `||`, `!`, `+`, `-`, combined as Lucene's classic query parser combines them
 * (an operator makes clauses required, prohibited or optional; a group of prohibited clauses
 * only matches everything else, as Elasticsearch fixes it). Anything else (ranges, fuzzy and
 * proximity `~`, boosts `^`, regular expressions) is refused with a 400 naming it: a query the
 * emulator cannot run must never quietly find nothing.
 */
import { EsError } from './errors'
import { wildcardMatcher, type WildcardMatcher } from './wildcard'

export type Occur = 'must' | 'should' | 'must_not'

export type QueryNode =
  | { kind: 'all' }
  | { kind: 'bool'; clauses: Array<{ occur: Occur; node: QueryNode }> }
  | { kind: 'term'; field?: string; text: string; wildcard?: WildcardMatcher }
  | { kind: 'phrase'; field?: string; text: string }
  | { kind: 'exists'; field: string }

export interface QueryStringOptions {
  /** `default_operator` (`q=`'s `default_operator`): how clauses without an operator combine. */
  defaultOperator?: 'OR' | 'AND'
}

type Token =
  | { type: 'word'; text: string; quoted: false; wildcard: boolean }
  | { type: 'phrase'; text: string }
  | { type: 'open' | 'close' | 'colon' | 'and' | 'or' | 'not' | 'plus' | 'minus' }

/** What Elasticsearch's query_string syntax has that the emulator does not, by the character that starts it. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  '[': 'range queries ([a TO b])',
  ']': 'range queries ([a TO b])',
  '{': 'range queries ({a TO b})',
  '}': 'range queries ({a TO b})',
  '~': 'fuzzy and proximity queries (~)',
  '^': 'boosts (^)',
  '/': 'regular expressions (/…/)',
  '>': 'range comparisons (field:>value)',
  '<': 'range comparisons (field:<value)',
}

/** Characters that end a term: whitespace, and the syntax's own characters. */
const TERM_END = /[\s()":\\[\]{}~^/<>]/

/** Longest query parsed; nesting deeper than this is refused. */
const MAX_QUERY_LENGTH = 32_768
const MAX_DEPTH = 64

/** Parses `q`; throws EsError 400 naming what cannot be parsed or is not supported. */
export function parseQueryString(q: string, options: QueryStringOptions = {}): QueryNode {
  const fail = (why: string): never => {
    throw new EsError(400, 'query_shard_exception', `Failed to parse query [${q}]`, {
      caused_by: { type: 'parse_exception', reason: `Cannot parse '${q}': ${why}` },
    })
  }
  if (q.length > MAX_QUERY_LENGTH) fail(`the query is longer than ${MAX_QUERY_LENGTH} characters`)
  const text = q.trim()
  if (text === '' || text === '*' || text === '*:*') return { kind: 'all' }
  const tokens = tokenize(text, fail)
  let at = 0
  const operator = options.defaultOperator ?? 'OR'

  const query = (field: string | undefined, depth: number): QueryNode => {
    if (depth > MAX_DEPTH) fail(`groups are nested deeper than ${MAX_DEPTH}`)
    const clauses: Array<{ occur: Occur; node: QueryNode }> = []
    while (at < tokens.length && tokens[at].type !== 'close') {
      let conj: 'and' | 'or' | undefined
      const t = tokens[at]
      if (t.type === 'and' || t.type === 'or') {
        if (clauses.length === 0) fail(`${t.type.toUpperCase()} has no clause before it`)
        conj = t.type
        at++
      }
      let mod: 'required' | 'prohibited' | undefined
      const m = tokens[at]
      if (m?.type === 'plus') mod = 'required'
      else if (m?.type === 'minus' || m?.type === 'not') mod = 'prohibited'
      if (mod !== undefined) at++
      if (at >= tokens.length || tokens[at].type === 'close') fail('a clause is missing at the end')
      const node = primary(field, depth)
      // Lucene's classic QueryParser.addClause.
      const last = clauses.at(-1)
      if (last !== undefined && conj === 'and' && last.occur !== 'must_not') last.occur = 'must'
      if (last !== undefined && operator === 'AND' && conj === 'or' && last.occur !== 'must_not') {
        last.occur = 'should'
      }
      const prohibited = mod === 'prohibited'
      const required =
        operator === 'OR'
          ? mod === 'required' || (conj === 'and' && !prohibited)
          : !prohibited && conj !== 'or'
      clauses.push({ occur: prohibited ? 'must_not' : required ? 'must' : 'should', node })
    }
    if (clauses.length === 1 && clauses[0].occur !== 'must_not') return clauses[0].node
    return { kind: 'bool', clauses }
  }

  const primary = (field: string | undefined, depth: number): QueryNode => {
    const t = tokens[at++]
    if (t.type === 'open') {
      const group = query(field, depth + 1)
      if (tokens[at]?.type !== 'close') fail("a '(' is not closed")
      at++
      return group
    }
    if (t.type === 'phrase') return { kind: 'phrase', ...(field && { field }), text: t.text }
    if (t.type !== 'word') return fail(`unexpected ${describe(t)}`)
    if (tokens[at]?.type === 'colon') {
      if (field !== undefined) fail(`a field inside the field group of ${field}`)
      at++
      const name = t.text
      if (name !== '*' && t.wildcard)
        fail(`wildcard field names (${name}:…) are not supported by the emulator`)
      const next = tokens[at]
      if (next === undefined) fail(`${name}: has no value`)
      if (name === '_exists_') {
        at++
        if (next.type !== 'word') fail('_exists_: takes a field name')
        return { kind: 'exists', field: (next as { text: string }).text }
      }
      return primary(name === '*' ? undefined : name, depth)
    }
    if (t.text === '*') return field === undefined ? { kind: 'all' } : { kind: 'exists', field }
    return {
      kind: 'term',
      ...(field && { field }),
      text: t.text,
      ...(t.wildcard && {
        wildcard: wildcardMatcher(t.text.toLowerCase(), { questionMark: true }),
      }),
    }
  }

  const root = query(undefined, 0)
  if (at < tokens.length) fail("a ')' has no '(' before it")
  return root
}

function describe(t: Token): string {
  return {
    open: "'('",
    close: "')'",
    colon: "':'",
    and: 'AND',
    or: 'OR',
    not: 'NOT',
    plus: "'+'",
    minus: "'-'",
    word: 'a term',
    phrase: 'a phrase',
  }[t.type]
}

function tokenize(text: string, fail: (why: string) => never): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (/\s/.test(c)) {
      i++
      continue
    }
    const unsupported = UNSUPPORTED[c]
    if (unsupported !== undefined) {
      fail(`${unsupported} are not supported by the emulator (at '${text.slice(i, i + 20)}')`)
    }
    if (c === '(' || c === ')' || c === ':') {
      tokens.push({ type: c === '(' ? 'open' : c === ')' ? 'close' : 'colon' })
      i++
    } else if (c === '"') {
      let phrase = ''
      let j = i + 1
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++
        phrase += text[j]
      }
      if (j >= text.length) fail('a phrase has no closing quote')
      tokens.push({ type: 'phrase', text: phrase })
      i = j + 1
      if (text[i] === '~') fail(`${UNSUPPORTED['~']} are not supported by the emulator`)
    } else if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      tokens.push({ type: c === '&' ? 'and' : 'or' })
      i += 2
    } else if (c === '!' || c === '+' || c === '-') {
      tokens.push({ type: c === '!' ? 'not' : c === '+' ? 'plus' : 'minus' })
      i++
    } else {
      let word = ''
      let wildcard = false
      let escaped = false
      let j = i
      for (; j < text.length; j++) {
        const ch = text[j]
        if (ch === '\\' && j + 1 < text.length) {
          // An escaped character is part of the term, as itself.
          j++
          escaped ||= text[j] === '*' || text[j] === '?'
          word += text[j]
          continue
        }
        if (TERM_END.test(ch) || text.startsWith('&&', j) || text.startsWith('||', j)) break
        if (ch === '*' || ch === '?') wildcard = true
        word += ch
      }
      if (wildcard && escaped)
        fail('escaped * or ? in a wildcard term are not supported by the emulator')
      if (word === '') fail(`'${c}' is not expected here`)
      i = j
      if (word === 'AND' || word === 'OR' || word === 'NOT') {
        tokens.push({ type: word === 'AND' ? 'and' : word === 'OR' ? 'or' : 'not' })
      } else tokens.push({ type: 'word', text: word, quoted: false, wildcard })
    }
  }
  return tokens
}
