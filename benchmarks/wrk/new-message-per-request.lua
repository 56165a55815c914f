-- The wrk script of docs/performance.md ("Changes, before and after"): each request posts a new message, shaped as
-- adapter-http/src/test/resources/fixtures/sync-request.json, to POST /api/v1/enhanced-handle-message, to one of
-- 100,000 conversations (c1 ... c100000) drawn at random. The message token comes from the environment:
--   PANCAKE_ACCESS_TOKEN=... wrk -t2 -c16 -d15s --latency -s benchmarks/wrk/new-message-per-request.lua http://localhost:8000

local token = os.getenv("PANCAKE_ACCESS_TOKEN")
if token == nil or token == "" then
  error("set PANCAKE_ACCESS_TOKEN to the server's message token")
end

local threads = 0

-- Runs once per thread, before it starts: a number of its own, so that message ids never collide across threads.
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local sent = 0
local run = tostring(os.time())

function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

function request()
  sent = sent + 1
  local conversation = "c" .. math.random(1, 100000)
  local body = string.format(
    '{"conversation_id":"%s","message_id":"m-%s-%d-%d","message_content":"Tôi muốn đặt lịch khám bệnh",'
      .. '"sender_id":"user_%s","sender_type":"user","timestamp":%d.%03d,"metadata":{"platform":"web"}}',
    conversation, run, thread_number or 0, sent, conversation, os.time(), sent % 1000)
  return wrk.format("POST", "/api/v1/enhanced-handle-message",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
