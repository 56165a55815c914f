-- Replaces a job unless it is final: a cancelled job stays cancelled whatever a late worker writes.
-- KEYS[1] job; ARGV[1] next job JSON, ARGV[2] TTL ms, ARGV[3..n] names of the final statuses
-- Returns the job JSON as stored afterwards, or nil if there is no job.
local current = redis.call('GET', KEYS[1])
if not current then
  return nil
end
local status = cjson.decode(current)['status']
for i = 3, #ARGV do
  if status == ARGV[i] then
    return current
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
