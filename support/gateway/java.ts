/**
 * Java behaviours the reference's answers depend on, reproduced where an answer shows them.
 */

function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a `java.util.HashMap<String, …>` filled with `keys` in this order (default capacity 16,
 * load factor 0.75; bucket = (h ^ h>>>16) & (capacity-1); insertion order within a bucket; a later duplicate key
 * keeps the first one's place). Used where the reference iterates a HashMap: openapi4j's keyword and property
 * validators (order of violations), the dispatcher's attachment map (which `cda.xml` wins).
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const unique = [...new Set(keys)];
  let cap = 16;
  while (unique.length > cap * 0.75) cap *= 2;
  const bucket = (k: string): number => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & (cap - 1);
  };
  return unique.map((k, i) => ({ k, i, b: bucket(k) })).sort((a, b) => a.b - b.b || a.i - b.i).map((x) => x.k);
}
