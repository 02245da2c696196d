-- wrk script for bench/ccompat.sh: POST /subjects/{s} (is this schema registered under the
-- subject, and as which version and id: a producer's serializer asks it once per schema)
-- rotating over the N subjects the benchmark registered, each with its own schema as body.
-- usage: wrk ... -s bench/ccompat_lookup.lua URL -- N
-- Subjects and schemas are those ccompat.sh registers: bench-NNNN-value, record Event in
-- namespace com.example.bench.sNNNN.

local next_thread = 0

function setup(thread)
	thread:set("thread_no", next_thread)
	next_thread = next_thread + 1
end

local n, i
local headers = {["Content-Type"] = "application/vnd.schemaregistry.v1+json"}

function init(args)
	n = tonumber(args[1]) or 1000
	i = (thread_no or 0) * 7919
end

-- The registration body of subject k (the same text ccompat.sh sends).
function body(k)
	return string.format('{"schema":"{\\"type\\":\\"record\\",\\"name\\":\\"Event\\",' ..
		'\\"namespace\\":\\"com.example.bench.s%04d\\",\\"fields\\":[{\\"name\\":\\"id\\",' ..
		'\\"type\\":\\"string\\"},{\\"name\\":\\"at\\",\\"type\\":\\"long\\"}]}"}', k)
end

function request()
	i = i + 1
	local k = i % n
	return wrk.format("POST", string.format("/subjects/bench-%04d-value", k), headers, body(k))
end
