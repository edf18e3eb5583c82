-- wrk script: at the end of a run, one line bench/run.py reads.
-- Latencies are wrk's, in microseconds; printed in milliseconds.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.2f p50_ms=%.3f p95_ms=%.3f bytes=%d "
    .. "status_errors=%d socket_errors=%d timeouts=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.bytes,
    errors.status, errors.connect + errors.read + errors.write, errors.timeout))
end
