-- Accepts (or requeues) one message in one step (accept, fn-accept.lua).
-- KEYS[1] seen hash, KEYS[2] pending sorted set, KEYS[3] bodies hash, KEYS[4] summary hash; ARGV as accept's A.
-- Returns {'ACCEPTED', latest timestamp in microseconds}, {'ALREADY_SEEN'} or {'ALREADY_PENDING'}.
return accept(KEYS, ARGV)
