/** `diagnose`'s checklist: one line per step with ✓, ✗ or !, then what to do. Pure. */

export type Mark = 'ok' | 'fail' | 'warn'

export interface Step {
  mark: Mark
  label: string
  text: string
  /** What to do, one `→` line each. */
  advice?: readonly string[]
  /** Supporting lines (a comparison, a list), printed indented after the advice. */
  detail?: readonly string[]
}

const MARKS: Record<Mark, string> = { ok: '✓', fail: '✗', warn: '!' }

const LABEL_WIDTH = 12

export function formatStep(step: Step): string {
  const lines = [`${MARKS[step.mark]} ${step.label.padEnd(LABEL_WIDTH)}${step.text}`]
  for (const advice of step.advice ?? []) lines.push(`  → ${advice}`)
  for (const detail of step.detail ?? []) lines.push(`  ${detail}`)
  return lines.join('\n') + '\n'
}

/** "15 min 2 s", "42 s", "0 s": a duration as people read it. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000)
  const minutes = Math.floor(seconds / 60)
  if (minutes === 0) return `${seconds} s`
  const rest = seconds % 60
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`
}
