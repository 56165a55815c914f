-- Releases the lock only if nothing is pending (fn-release.lua), for the lock's owner.
-- KEYS[1] lock, KEYS[2] pending set; ARGV[1] lock value "<fencing token>:<owner token>"
-- Returns 1 released, 0 messages pending (lock kept), -1 not the owner (nothing changed).
if not owns(KEYS[1], ARGV[1]) then
  return -1
end
return releaseIfNoPending(KEYS[1], KEYS[2])
