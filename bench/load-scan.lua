-- wrk script for bench/load-vs-wrk.sh: the same POST /v1/scan requests `interven-sim load`
-- sends for bench/load-bench.yaml (github.list_prs by 1,000 agents; the generator's body, padded
-- to the template's 512 bytes as it pads it). Environment: INTERVEN_KEY (the API key).
local key = os.getenv("INTERVEN_KEY") or ""
wrk.method = "POST"
wrk.path = "/v1/scan"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

local padding = string.rep("x", 512 - 38 - 14)
local counter = 0
local thread_id = 0
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function request()
  counter = counter + 1
  local agent = string.format("bench-%04d", (counter * 2 + thread_id) % 1000)
  local body = string.format('{"method": "GET", "url": "https://api.github.com/github/list_prs", '
    .. '"body": {"operation": "list_prs", "variant": %d, "padding": "%s"}, "agent_id": "%s", "agent_name": "%s", '
    .. '"runtime_type": "langchain"}', counter % 8, padding, agent, agent)
  return wrk.format(nil, nil, nil, body)
end
