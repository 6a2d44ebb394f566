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
