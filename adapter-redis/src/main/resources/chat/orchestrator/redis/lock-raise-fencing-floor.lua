-- Lifts the fencing counter to a floor, never lowers it: lock-acquire then hands out tokens above the floor
-- (the counter plus one, or the server clock if that is higher). Used when PostgreSQL has seen a higher token
-- than this Redis hands out, e.g. after Redis lost the counter while its clock is behind.
-- KEYS[1] fencing counter; ARGV[1] floor, a whole number below 2^53
-- Returns 1 if the counter was raised to the floor, 0 if it was already at or above it (nothing changed).
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
-- The caller's string is stored, not the Lua number: %.14g would print a large one in exponent form.
-- Kept until the clock has passed the floor, plus a minute, as lock-acquire keeps the counter: after that a
-- token from the clock is above it anyway.
local now = redis.call('TIME')
local clock = tonumber(now[1]) * 1000000 + tonumber(now[2])
local ahead = math.max(0, math.floor((tonumber(ARGV[1]) - clock) / 1000))
redis.call('SET', KEYS[1], ARGV[1], 'PX', string.format('%d', ahead + 60000))
return 1
