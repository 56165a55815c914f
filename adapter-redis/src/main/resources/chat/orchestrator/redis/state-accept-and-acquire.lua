-- Accepts one message, then tries the conversation's lock, in one step (docs/design.md, steps 3 and 8): the
-- message is pending before the lock is tried, so a holder that releases only when nothing is pending sees it.
-- KEYS[1] seen hash, KEYS[2] pending sorted set, KEYS[3] bodies hash, KEYS[4] summary hash, KEYS[5] lock,
-- KEYS[6] fencing counter; ARGV[1..9] as accept's A (mode 'accept'), ARGV[10] owner token, ARGV[11] lease ms
-- Returns {'ACCEPTED' or 'ALREADY_SEEN', fencing token of the lease or 0 when another owner holds the lock}.
-- A retry after a lost reply gets the same answer: the accept token and the owner token are this call's.
local accepted = accept(KEYS, ARGV)
return {accepted[1], acquire(KEYS[5], KEYS[6], ARGV[10], ARGV[11])}
