/** Reading a request body from where `-d` says: the text itself, a file, or stdin. */
import { readFile } from 'node:fs/promises'
import { buffer } from 'node:stream/consumers'
import { AwsSigV4ConfigurationError } from '../errors'
import type { BodySource } from './curl'

/** The body's bytes, exactly as they are in the file or on stdin. */
export async function readBodySource(
  source: BodySource,
  stdin: NodeJS.ReadableStream,
): Promise<Buffer> {
  switch (source.kind) {
    case 'literal':
      return Buffer.from(source.text, 'utf8')
    case 'stdin':
      return buffer(stdin)
    case 'file':
      try {
        return await readFile(source.path)
      } catch (err) {
        const code = (err as { code?: string }).code
        const why =
          code === 'ENOENT'
            ? 'no such file'
            : code === 'EISDIR'
              ? 'it is a directory'
              : code === 'EACCES'
                ? 'permission denied'
                : String(code ?? err)
        throw new AwsSigV4ConfigurationError(
          'data',
          `cannot read the body from -d @${source.path}: ${why}. Give an existing file, or @- for stdin`,
        )
      }
  }
}
