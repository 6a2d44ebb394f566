-- One chat completion per request, the same for every target; headers come from the environment so one script
-- serves the direct upstream, our gateway and Portkey's.
wrk.method = "POST"
wrk.body = '{"model":"' .. os.getenv("BENCH_MODEL") .. '","messages":[{"role":"user","content":"hi"}],"max_tokens":16}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
for header in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^;]+") do
  local name, value = header:match("^%s*(.-):%s*(.-)%s*$")
  wrk.headers[name] = value
end

-- BENCH_PORTS="p1,p2,p3": wrk's threads are pointed at these ports on 127.0.0.1 in turn (thread 1 at p1, ...), so one
-- wrk spreads its connections over the silos of a cluster and reports one latency distribution for all of them.
local ports = {}
for port in string.gmatch(os.getenv("BENCH_PORTS") or "", "[^,]+") do
  table.insert(ports, port)
end
if #ports > 0 then
  local threads = 0
  function setup(thread)
    threads = threads + 1
    thread.addr = wrk.lookup("127.0.0.1", ports[((threads - 1) % #ports) + 1])[1]
  end
end
