/**
 * The ESM build's variant of lib/default-base.ts (the build puts it in that module's place):
 * the installed `@elastic/elasticsearch` through `#elastic-client`, which this directory's
 * package.json maps per environment. Bundlers (the `module` condition) get a static import,
 * so a bundle holds one build of the client, its ESM build, whatever its output format. Node
 * gets an `import()` awaited at load, which takes the same ESM build and tolerates its absence.
 */
import { client } from '#elastic-client'

/** The client's exports, or undefined when it is not installed. */
export function installedClient(): Record<string, unknown> | undefined {
  return client
}
