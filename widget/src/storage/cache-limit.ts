/** Messages kept per conversation; older ones are fetched again with `loadOlder()`. */
export const MAX_CACHED_PER_CONVERSATION = 500;
