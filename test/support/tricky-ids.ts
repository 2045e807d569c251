/** Ids and index names with every character the client must encode, and then some. */
export const TRICKY_IDS: readonly string[] = [
  'a/b c',
  'plus+sign',
  'per%cent',
  'ques?tion',
  'hash#tag',
  'eq=ual',
  'é',
  '日本',
  '🎉 emoji',
  "!*'()",
  '~._-',
]
