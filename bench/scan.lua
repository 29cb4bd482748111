-- wrk script for `interven-sim serve`: POST /v1/scan with a mix of realistic calls over
-- agents (250 per wrk thread: 500 with -t2). Environment: INTERVEN_KEY (the API key), RATE (optional: total scans per second over
-- all connections, paced with wrk's delay(); absent: as fast as possible), CONNECTIONS (the -c
-- given to wrk, needed with RATE).
local key = os.getenv("INTERVEN_KEY") or ""
local rate = tonumber(os.getenv("RATE") or "")
local connections = tonumber(os.getenv("CONNECTIONS") or "1")

wrk.method = "POST"
wrk.path = "/v1/scan"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

local calls = {
  '{"method":"GET","url":"https://api.github.com/repos/acme/app/pulls","agent_id":"%s","runtime_type":"langchain"}',
  '{"method":"POST","url":"https://api.github.com/repos/acme/app/pulls","body":{"title":"fix"},"agent_id":"%s"}',
  '{"method":"POST","url":"https://slack.com/api/chat.postMessage","body":{"text":"build green"},"agent_id":"%s"}',
  '{"method":"GET","url":"https://api.notion.com/v1/search","agent_id":"%s"}',
  '{"method":"POST","url":"https://slack.com/api/chat.postMessage","body":{"text":"mail bob@example.com"},"agent_id":"%s"}',
  '{"method":"GET","url":"https://acme.my.salesforce.com/services/data/v58.0/query","agent_id":"%s"}',
  '{"method":"POST","url":"https://api.openai.com/v1/chat/completions","body":{"prompt":"summarise"},"agent_id":"%s"}',
  '{"method":"POST","url":"https://slack.com/api/chat.postMessage","body":{"text":"AKIAIOSFODNN7EXAMPLE"},"agent_id":"%s"}',
}

local counter = 0
local thread_id = 0
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function request()
  counter = counter + 1
  local agent = string.format("bench-%d-%d", thread_id, counter % 250)
  local body = string.format(calls[(counter % #calls) + 1], agent)
  return wrk.format(nil, nil, nil, body)
end

if rate then
  -- Each connection waits connections/rate seconds between requests.
  function delay()
    return math.floor(connections * 1000 / rate)
  end
end
