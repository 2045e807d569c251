/** `#elastic-client` for bundlers: a static import, which they follow into the client's ESM build. */
import * as namespace from '@elastic/elasticsearch'

export const client: Record<string, unknown> | undefined = namespace
