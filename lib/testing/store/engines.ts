/** What differs between the engines the store imitates: the info response and document shapes. */

/**
 * Which server the info response (and a few response details) imitate: OpenSearch 2.x; the same
 * in compatibility mode (`override_main_response_version`: it reports 7.10.2, with no
 * `distribution`); Amazon's Elasticsearch 7.10 (`build_flavor: "oss"`); Elasticsearch 8.
 */
export type Engine = 'opensearch' | 'opensearch-compat' | 'elasticsearch7' | 'elasticsearch8'

/** OpenSearch 2.19.6, the 2.x the suite tests against a real engine (test/engines/). */
const OPENSEARCH_BUILD = {
  build_type: 'tar',
  build_hash: '97d3c13bf22a4a72ac11dc503fe44c97662b9161',
  build_date: '2026-07-01T04:27:16.038403104Z',
  build_snapshot: false,
  lucene_version: '9.12.3',
  minimum_wire_compatibility_version: '7.10.0',
  minimum_index_compatibility_version: '7.0.0',
}

const INFO_VERSIONS: Record<Engine, Record<string, unknown>> = {
  opensearch: { distribution: 'opensearch', number: '2.19.6', ...OPENSEARCH_BUILD },
  'opensearch-compat': { number: '7.10.2', ...OPENSEARCH_BUILD },
  elasticsearch7: {
    number: '7.10.2',
    build_flavor: 'oss',
    build_type: 'tar',
    build_hash: '747e1cc71def077253878a59143c1f785afa92b9',
    build_date: '2021-01-13T00:42:12.435326Z',
    build_snapshot: false,
    lucene_version: '8.7.0',
    minimum_wire_compatibility_version: '6.8.0',
    minimum_index_compatibility_version: '6.0.0-beta1',
  },
  elasticsearch8: {
    number: '8.15.0',
    build_flavor: 'default',
    build_type: 'docker',
    build_hash: '1a77947f34deddb41af25e6f0ddb8e830159c179',
    build_date: '2024-08-05T10:05:34.233336849Z',
    build_snapshot: false,
    lucene_version: '9.11.1',
    minimum_wire_compatibility_version: '7.17.0',
    minimum_index_compatibility_version: '7.0.0',
  },
}

/** Every engine the store imitates. */
export const ENGINES = Object.keys(INFO_VERSIONS) as readonly Engine[]

/** The `GET /` body of one engine. */
export function infoBody(
  engine: Engine,
  cluster: { name: string; uuid: string },
): Record<string, unknown> {
  return {
    name: 'emulator-node',
    cluster_name: cluster.name,
    cluster_uuid: cluster.uuid,
    version: INFO_VERSIONS[engine],
    tagline: engine.startsWith('opensearch')
      ? 'The OpenSearch Project: https://opensearch.org/'
      : 'You Know, for Search',
  }
}

/** A document response body as the engine shapes it. */
export function withDocType(
  engine: Engine,
  body: Record<string, unknown>,
): Record<string, unknown> {
  // Elasticsearch 7 still names the (single) mapping type in document responses.
  if (engine !== 'elasticsearch7') return body
  const { _index, ...rest } = body
  return { _index, _type: '_doc', ...rest }
}

/** The `GET /_cluster/health` body: one node, everything green. */
export function healthBody(clusterName: string, shards: number): Record<string, unknown> {
  return {
    cluster_name: clusterName,
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: shards,
    active_shards: shards,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100.0,
  }
}
