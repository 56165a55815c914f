-- Compare-and-delete: only the owner removes its lock.
-- KEYS[1] lock; ARGV[1] lock value "<fencing token>:<owner token>"
-- Returns 1 if deleted, 0 if the lock is gone or someone else's.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
