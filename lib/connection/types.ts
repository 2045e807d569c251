/**
 * The connection classes this package extends and returns, as types. A leaf of the connection
 * layer: the factory, both lineages and the options take their class types from here.
 */

/**
 * A connection class of `@elastic/elasticsearch` (`UndiciConnection` or `HttpConnection` of 9.x
 * or 8.x, `Connection` of 7.x) or of `@opensearch-project/opensearch` (`Connection`), or a
 * subclass of one. Typed structurally so the classes of every client fit.
 */
export type ConnectionConstructor = abstract new (opts: never) => object

/*
 * The installed `@elastic/elasticsearch`'s connection classes, whatever its major, so the
 * declarations never name a class that major lacks (7.x has no `UndiciConnection` or
 * `BaseConnection`). `@elastic/elasticsearch` is an optional peer: where it is not installed
 * (users of the OpenSearch client only) these types are `any`, and nothing else breaks.
 */

// `any` where @elastic/elasticsearch is not installed. The directive is in a JSDoc comment, on
// its last line, since declaration files keep those (not `//` ones): so consumers compile too.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
/** @ts-ignore */
type InstalledClient = typeof import('@elastic/elasticsearch')

/** The installed client's default connection: `UndiciConnection` (8.x, 9.x) or `Connection` (7.x). */
export type DefaultConnectionClass = InstalledClient extends { UndiciConnection: infer U }
  ? U
  : InstalledClient extends { Connection: infer C }
    ? C
    : ConnectionConstructor

/**
 * What the installed client's `Connection` option accepts: `typeof BaseConnection` (8.x, 9.x),
 * `typeof Connection` (7.x).
 */
export type ClientConnectionClass = InstalledClient extends { BaseConnection: infer B }
  ? B
  : InstalledClient extends { Connection: infer C }
    ? C
    : ConnectionConstructor
