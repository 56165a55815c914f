-- Extends the lease only for its owner and, for it, reads every pending id, in one step: the holder learns
-- that it still holds the lock and what is pending (a newer id makes its answer stale) in one round trip.
-- KEYS[1] lock, KEYS[2] pending sorted set
-- ARGV[1] lock value "<fencing token>:<owner token>", ARGV[2] lease in milliseconds
-- Returns {1, ids} if renewed (ids whose body is lost included, as pendingIds), {0} if the lease is lost.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {0}
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, redis.call('ZRANGE', KEYS[2], 0, -1)}
