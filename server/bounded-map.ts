/**
 * A Map that forgets its oldest entries past `capacity`: per-process caches on the request path
 * (verified tokens, viewers) must not grow with the number of members.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.capacity) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
