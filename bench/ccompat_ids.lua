-- wrk script for bench/ccompat.sh: GET /schemas/ids/{id} rotating over the ids 1..N the
-- benchmark registered (the call a consumer's deserializer makes on a cache miss).
-- usage: wrk ... -s bench/ccompat_ids.lua URL -- N

local next_thread = 0

function setup(thread)
	thread:set("thread_no", next_thread)
	next_thread = next_thread + 1
end

local n, i

function init(args)
	n = tonumber(args[1]) or 1000
	i = (thread_no or 0) * 7919
end

function request()
	i = i + 1
	return wrk.format("GET", string.format("/schemas/ids/%d", i % n + 1))
end
