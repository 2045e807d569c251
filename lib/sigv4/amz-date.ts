let cachedSecond = NaN
let cachedAmzDate = ''

/** `x-amz-date` (`YYYYMMDDTHHMMSSZ`) for a date; formatted once per second. */
export function amzDate(date: Date): string {
  const second = Math.floor(date.getTime() / 1000)
  if (second === cachedSecond) return cachedAmzDate
  const formatted = date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')
  cachedSecond = second
  cachedAmzDate = formatted
  return formatted
}
