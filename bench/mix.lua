-- wrk script for the authenticated request mix of issue 19 (bench/mix_bench.py runs it):
-- 40 % front page, 40 % case page (/api/cases/{id}), 20 % journal (/api/cases/{id}/journal),
-- as one logged-in caseworker over her own cases.
--
--   wrk -t1 -c32 -d20s -s bench/mix.lua http://127.0.0.1:8000 -- mix COOKIE ID1,ID2,...
--   wrk -t1 -c32 -d20s -s bench/mix.lua http://127.0.0.1:8000 -- whole COOKIE ID1,ID2,...
--   wrk -t1 -c32 -d20s -s bench/mix.lua http://127.0.0.1:8000 -- health
--
-- "mix": the front page's 40 % are the requests the PWA's front page sends
-- (pwa/src/pages/Worklist.tsx): the deadline groups (/api/worklist/summary), the first page
-- of "Mine sager" and of "Nye underretninger", a third each. "whole": the front page is the
-- whole /api/worklist in one answer, which the PWA no longer asks for (the issue's mix as
-- filed). The cookie is the value of trekant_session for a demo caseworker. "health" sends
-- only GET /health, the yardstick the mix is compared to. done() prints one JSON line with
-- the throughput, latency percentiles (ms), errors and the bytes per response.

local mode, cookie, ids = "health", nil, {}
local counter = 0
local FRONT = {
  "/api/worklist/summary",
  "/api/worklist/cases?sort=overskredne&offset=0&limit=10",
  "/api/worklist/notifications?offset=0&limit=5",
}

function init(args)
  mode = args[1] or "health"
  cookie = args[2]
  if args[3] then
    for id in string.gmatch(args[3], "[^,]+") do ids[#ids + 1] = id end
  end
  -- each connection's thread starts at a different place in the sequence
  counter = math.random(0, 99)
end

function request()
  counter = counter + 1
  if mode == "health" then
    return wrk.format("GET", "/health")
  end
  local headers = { ["Cookie"] = "trekant_session=" .. cookie, ["Accept-Encoding"] = "gzip" }
  local slot = counter % 10
  local id = ids[(counter % #ids) + 1]
  if slot < 4 then
    if mode == "whole" then
      return wrk.format("GET", "/api/worklist", headers)
    end
    return wrk.format("GET", FRONT[(math.floor(counter / 10) % 3) + 1], headers)
  elseif slot < 8 then
    return wrk.format("GET", "/api/cases/" .. id, headers)
  else
    return wrk.format("GET", "/api/cases/" .. id .. "/journal", headers)
  end
end

local bad = 0

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("status " .. status .. ": " .. string.sub(body, 1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    '{"mode": "%s", "requests": %d, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, '
      .. '"p99_ms": %.2f, "errors": %d, "bytes_per_response": %.0f}\n',
    mode, summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.bytes / math.max(1, summary.requests)))
end
