-- wrk script: revalidations of a page a cache holds, `If-None-Match` with the page's ETag
-- (BENCH_ETAG, as the server sent it). Counts the answers that are not 304 (each one a full
-- page the server rendered and sent) and prints "Not 304: <n>" at the end for bench/run.
local etag = os.getenv("BENCH_ETAG") or ""
wrk.headers["If-None-Match"] = etag

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_304 = 0
end

function response(status, headers, body)
  if status ~= 304 then
    not_304 = not_304 + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, thread in ipairs(threads) do
    n = n + (thread:get("not_304") or 0)
  end
  io.write(string.format("Not 304: %d\n", n))
end
