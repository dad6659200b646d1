-- wrk script for bench/http.sh: posts the request mix, one body per line of a file, round robin
-- over keep-alive connections; every thread starts at its own offset of the mix.
--   wrk -t2 -c32 -d20s -s bench/http/post.lua http://127.0.0.1:PORT -- BODIES_FILE PATH
-- done() prints one JSON line (prefix "RESULT ") with requests/s and latency percentiles in µs.
-- A response other than 2xx or 3xx counts in errors.status; http.sh fails the run on any.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, path = args[1], args[2]
  local headers = { ["Content-Type"] = "application/json" }
  requests = {}
  for line in io.lines(file) do
    if #line > 0 then
      table.insert(requests, wrk.format("POST", path, headers, line))
    end
  end
  if #requests == 0 then
    error("no request bodies in " .. tostring(file))
  end
  -- Spread the threads over the mix so they do not send the same request at the same time.
  n = (id * 509) % #requests
end

function request()
  n = n % #requests + 1
  return requests[n]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,'
      .. '"mean_us":%.1f,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
