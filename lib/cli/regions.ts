/**
 * Whether a region is one AWS has, by the AWS SDK's own partition data (`partition()` of
 * @aws-sdk/core, the table every SDK client resolves endpoints with): no list kept here. A region
 * the data does not know is still signed for, since regions newer than the installed SDK exist;
 * the commands only say so, with the known region one typo away when there is one.
 */

/** What `partition()` of @aws-sdk/core answers: `description` only for a region it lists. */
type PartitionOf = (region: string) => { description?: unknown }

/** The SDK's lookup, loaded on first use; undefined when it cannot be (then nothing is said). */
async function sdkPartition(): Promise<PartitionOf | undefined> {
  try {
    const { partition } = (await import('@aws-sdk/core/client')) as { partition?: unknown }
    return typeof partition === 'function' ? (partition as PartitionOf) : undefined
  } catch {
    return undefined
  }
}

/** What the SDK's data says of a region. */
export type RegionCheck =
  | { known: true; description: string }
  | { known: false; suggestion?: string }
  /** The SDK's data could not be loaded. */
  | undefined

/** Looks `region` up in the SDK's partition data. */
export async function checkRegion(
  region: string,
  lookup: () => Promise<PartitionOf | undefined> = sdkPartition,
): Promise<RegionCheck> {
  const partition = await lookup()
  if (partition === undefined) return undefined
  const known = (name: string): string | undefined => {
    try {
      const { description } = partition(name)
      return typeof description === 'string' ? description : undefined
    } catch {
      return undefined
    }
  }
  const description = known(region)
  if (description !== undefined) return { known: true, description }
  const suggestion = oneTypoAway(region).find((candidate) => known(candidate) !== undefined)
  return suggestion === undefined ? { known: false } : { known: false, suggestion }
}

/** "eu-wset-1 is not a known AWS region: did you mean eu-west-1?", or undefined for a known one. */
export function unknownRegionText(region: string, check: RegionCheck): string | undefined {
  if (check === undefined || check.known) return undefined
  const guess = check.suggestion === undefined ? '' : `: did you mean ${check.suggestion}?`
  return `${region} is not a known AWS region${guess}`
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-'

/**
 * Every string one typo from `text`: two neighbours swapped first (the commonest slip), then one
 * character replaced, dropped or added. Bounded: for a region-sized string, about 800.
 */
export function oneTypoAway(text: string): string[] {
  if (text.length > 32) return []
  const out = new Set<string>()
  for (let i = 0; i + 1 < text.length; i++) {
    out.add(text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2))
  }
  for (let i = 0; i < text.length; i++) {
    for (const c of ALPHABET) out.add(text.slice(0, i) + c + text.slice(i + 1))
    out.add(text.slice(0, i) + text.slice(i + 1))
  }
  for (let i = 0; i <= text.length; i++) {
    for (const c of ALPHABET) out.add(text.slice(0, i) + c + text.slice(i))
  }
  out.delete(text)
  return [...out]
}
