/**
 * Host label templates such as `{resource}.{region}.es.amazonaws.com` or
 * `{svc}.{hash}.vpc-lattice-svcs.{region}.on.aws`, and matching a host's labels against them.
 * Pure: what a placeholder's label must look like (a region, a DNS label) is the caller's check.
 */

/** A template, split into what a host must end with and what it must have before that. */
export interface HostTemplate {
  template: string
  /** The literal labels every matching host ends with, e.g. `['es', 'amazonaws', 'com']`. */
  suffix: readonly string[]
  /** The one literal label among the placeholders, if any (`aos` in `{r}.aos.{region}.on.aws`). */
  anchor?: string
  /** Placeholder names: those before the anchor, then those after it (one group without). */
  groups: ReadonlyArray<readonly string[]>
}

/** How a host fares against a template it is under. */
export type TemplateMatch = {
  /** Literal labels matched (suffix and anchor): the more, the more specific the template. */
  literals: number
  /** Index of the first literal label matched: of two templates, the earlier one claims. */
  position: number
} & (
  | { labels: Readonly<Record<string, string>>; problem?: undefined }
  /** Why the host, under this template's literals, does not have its shape. */
  | { problem: string; labels?: undefined }
)

const PLACEHOLDER = /^\{([a-z]+)\}$/

/** Splits a template; throws for one this module cannot match. */
export function compileTemplate(template: string): HostTemplate {
  const labels = template.split('.')
  let end = labels.length
  while (end > 0 && !PLACEHOLDER.test(labels[end - 1])) end--
  const suffix = labels.slice(end)
  const head = labels.slice(0, end)
  const literals = head.filter((label) => !PLACEHOLDER.test(label))
  if (suffix.length === 0 || literals.length > 1 || head.length === 0) {
    throw new Error(
      `Host template ${template} must end in literal labels, have placeholders before them, ` +
        'and at most one literal label among the placeholders',
    )
  }
  const names = (part: string[]): string[] => part.map((label) => label.slice(1, -1))
  const at = literals.length === 1 ? head.indexOf(literals[0]) : -1
  if (at === -1) return { template, suffix, groups: [names(head)] }
  return {
    template,
    suffix,
    anchor: literals[0],
    groups: [names(head.slice(0, at)), names(head.slice(at + 1))],
  }
}

/**
 * Matches lower-case host labels against a template. Undefined when the host is not under the
 * template's literals (it does not end in the suffix, or lacks the anchor anywhere before it);
 * otherwise the placeholders' labels, or why they do not fit. A missing label is named by what
 * the others look like (`isRegion` tells which label is a region).
 */
export function matchTemplate(
  t: HostTemplate,
  host: readonly string[],
  isRegion: (label: string) => boolean,
): TemplateMatch | undefined {
  const start = host.length - t.suffix.length
  if (start < 0 || t.suffix.some((label, i) => host[start + i] !== label)) return undefined
  const before = host.slice(0, start)
  // The anchor is looked for anywhere, so that a missing label is reported, not ignored.
  const at = t.anchor === undefined ? -1 : before.indexOf(t.anchor)
  if (t.anchor !== undefined && at === -1) return undefined
  const found = {
    literals: t.suffix.length + (at === -1 ? 0 : 1),
    position: at === -1 ? start : at,
  }

  if (before.includes('')) return { ...found, problem: 'it has an empty label' }
  const parts = at === -1 ? [before] : [before.slice(0, at), before.slice(at + 1)]
  const labels: Record<string, string> = {}
  for (const [i, names] of t.groups.entries()) {
    const got = parts[i]
    if (got.length < names.length) {
      return { ...found, problem: missingLabels(names, got, isRegion) }
    }
    if (got.length > names.length) {
      const where = i === 0 && t.anchor !== undefined ? ` before ${t.anchor}` : ''
      return { ...found, problem: `it has ${got.length - names.length} label(s) too many${where}` }
    }
    names.forEach((name, j) => (labels[name] = got[j]))
  }
  return { ...found, labels }
}

/** "the region label is missing", "the resource and region labels are missing". */
function missingLabels(
  names: readonly string[],
  got: readonly string[],
  isRegion: (label: string) => boolean,
): string {
  const missing = [...names]
  for (const label of got) {
    const region = isRegion(label) ? missing.indexOf('region') : -1
    const other = missing.findIndex((name) => name !== 'region')
    missing.splice(region !== -1 ? region : other !== -1 ? other : 0, 1)
  }
  if (missing.length === 1) return `the ${missing[0]} label is missing`
  return `the ${missing.slice(0, -1).join(', ')} and ${missing.at(-1)} labels are missing`
}
