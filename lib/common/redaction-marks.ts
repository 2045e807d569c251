/**
 * What replaces a session token and a signature wherever they would show (`sigv4_debug`, AWS's
 * echoed texts, the CLI's output, the emulator's verdicts): one spelling for every layer.
 */
export const REDACTED_TOKEN = '<redacted session token>'
export const REDACTED_SIGNATURE = '<redacted signature>'
export const REDACTED_SECRET_KEY = '<redacted secret access key>'
