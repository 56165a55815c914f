-- Lifts the fencing counter to a floor, never lowers it: lock-acquire then hands out tokens above the floor
-- (the counter plus one, or the server clock if that is higher). Used when PostgreSQL has seen a higher token
-- than this Redis hands out, e.g. after Redis lost the counter while its clock is behind.
-- KEYS[1] fencing counter (no TTL, never deleted); ARGV[1] floor, a whole number below 2^53
-- Returns 1 if the counter was raised to the floor, 0 if it was already at or above it (nothing changed).
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
-- The caller's string is stored, not the Lua number: %.14g would print a large one in exponent form.
-- No TTL: the counter must outlive every lock, like the one lock-acquire writes.
redis.call('SET', KEYS[1], ARGV[1])
return 1
