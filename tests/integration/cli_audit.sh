#!/bin/sh
# The governance audit, the pattern advisor and the landscape picture with the real CLI:
# `driveway audit --offline` over examples/ (clean) and examples/anti-patterns/ (every rule
# DW001..DW031), its four outputs (SARIF checked structurally), --fail-on, the filters, --now,
# bad config files and descriptors; then against a real drivewayd on a free loopback port
# holding the same descriptors (the same findings as offline), `driveway advise` for several
# rows of the decision table and for a registered product, and `driveway graph` offline and
# from the registry. Prints PASS/FAIL per case; exits 1 when any case failed.
#
# Needs DRIVEWAY_BUILD (folder with drivewayd and driveway) and DRIVEWAY_ROOT (the repository);
# both default to what scripts/run-tests.sh sets. Set DRIVEWAY_KEEP_TMP=1 to keep the work dir.
# The harness (run, dw, check, the server) is tests/integration/lib/common.sh.
set -eu

. "$(dirname "$0")/lib/common.sh"
lib_init audit

# pycheck EXPR: EXPR holds for r = the JSON on stdout (a Python expression).
pycheck() {
	"$py" -c "import json,sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if ($1) else 1)" "$tmp/out" 2>/dev/null
}


# Work copies, addressed by relative paths (as a CI job would).
mkdir -p "$tmp/work"
cp -R "$root/examples" "$tmp/work/examples"
cd "$tmp/work"
real=""
for d in examples/*/; do
	d=${d%/}
	[ "$d" = examples/anti-patterns ] && continue
	if find "$d" -name '*.yaml' | grep -q .; then real="$real $d"; fi
done
ap=examples/anti-patterns
apcfg=$ap/audit-config.yaml

# --- offline: the real landscape ------------------------------------------------------------
# shellcheck disable=SC2086
dw audit --offline $real
expect_rc 0 "audit --offline of the examples landscape exits 0"
check "examples: no error or warning findings" out_has "^audit: 0 errors, 0 warnings"
# shellcheck disable=SC2086
dw audit --offline $real --output json
check "examples: the JSON report has no findings" \
	pycheck "r['findings'] == [] and r['summary']['products'] >= 9"

# --- offline: the anti-pattern landscape ------------------------------------------------------
dw audit --offline $ap --config $apcfg --output json
expect_rc 1 "audit --offline of examples/anti-patterns exits 1"
check "anti-patterns: every rule DW001..DW031 appears in the JSON report" \
	pycheck "{f['rule'] for f in r['findings'] + r['suppressed']} >= {'DW%03d' % i for i in range(1, 32)}"
check "anti-patterns: JSON locations carry file, line and column" \
	pycheck "all(f['location']['file'].endswith('.yaml') and f['location']['line'] > 0 for f in r['findings'] if f['location']['product'])"
check "anti-patterns: the DW026 suppression is listed with its reason" \
	pycheck "any(f['rule'] == 'DW026' and f['suppression']['reason'] for f in r['suppressed'])"
dw audit --offline $ap --config $apcfg
expect_rc 1 "anti-patterns: text exits 1"
check "text: a finding at its descriptor's file:line:col" \
	out_has "^    $ap/ship.yaml:[0-9]+:[0-9]+: point-to-point flow 'ship/tracking->stock/levels'"
check "text: rule id, name and title" \
	out_has "^  DW013 sync-chain-sla: Declared availability that the synchronous chain"
check "text: the fix" out_has "^    fix: Break the cycle"
check "text: the suppressed section with reason and expiry" \
	out_has "^      suppressed: .* \\(expires 2099-12-31\\)"
check "text: a suppression finding located in the config file" \
	out_has "$apcfg:[0-9]+:[0-9]+: suppression 1 of DW027 has no reason"
check "text: the summary" out_has "^audit: [0-9]+ errors, [0-9]+ warnings, [0-9]+ info, 1 suppressed"
dw audit --offline $ap --config $apcfg --output markdown
check "markdown: a heading and a findings table" \
	sh -c "grep -q '^### driveway audit' '$tmp/out' && grep -q '^| error | DW001 ' '$tmp/out'"
check "markdown: the suppressed findings in <details>" out_has "^<details><summary>1 suppressed"

# SARIF 2.1.0: the structure code-scanning tools require.
dw audit --offline $ap --config $apcfg --output sarif
expect_rc 1 "sarif: exits 1"
check "sarif: version, \$schema and one run" \
	pycheck "r['version'] == '2.1.0' and 'sarif-2.1.0' in r['\$schema'] and len(r['runs']) == 1"
check "sarif: driver name and 30 rules with descriptions, help and level" \
	pycheck "(lambda d: d['name'] == 'driveway' and len(d['rules']) == 31 and all(x['id'] and x['name'] and x['shortDescription']['text'] and x['fullDescription']['text'] and x['help']['text'] and x['defaultConfiguration']['level'] in ('error', 'warning', 'note') for x in d['rules']))(r['runs'][0]['tool']['driver'])"
check "sarif: results with ruleId, level and message" \
	pycheck "len(r['runs'][0]['results']) > 30 and all(x['ruleId'].startswith('DW') and x['level'] in ('error', 'warning', 'note') and x['message']['text'] for x in r['runs'][0]['results'])"
check "sarif: physical locations are relative paths with a region" \
	pycheck "all(not l['physicalLocation']['artifactLocation']['uri'].startswith('/') and l['physicalLocation']['region']['startLine'] > 0 and l['physicalLocation']['region']['startColumn'] > 0 for x in r['runs'][0]['results'] for l in x.get('locations', []) if 'physicalLocation' in l)"
check "sarif: a result located in ship.yaml" \
	pycheck "any(l['physicalLocation']['artifactLocation']['uri'] == '$ap/ship.yaml' for x in r['runs'][0]['results'] for l in x.get('locations', []) if 'physicalLocation' in l)"
check "sarif: the suppressed result carries an external suppression with its justification" \
	pycheck "[x['suppressions'][0]['kind'] for x in r['runs'][0]['results'] if 'suppressions' in x] == ['external'] and all(x['suppressions'][0]['justification'] for x in r['runs'][0]['results'] if 'suppressions' in x)"

# --fail-on and the filters.
dw audit --offline $ap --config $apcfg --fail-on never
expect_rc 0 "--fail-on never exits 0"
dw audit --offline $ap --config $apcfg --rule DW021
expect_rc 0 "--rule DW021 (warnings only) with --fail-on error exits 0"
dw audit --offline $ap --config $apcfg --rule DW021 --fail-on warning
expect_rc 1 "--rule DW021 with --fail-on warning exits 1"
dw audit --offline $ap --config $apcfg --rule sync-cycle --output json
check "--rule by name keeps only that rule, and says so" \
	pycheck "r['findings'] and {f['rule'] for f in r['findings']} == {'DW014'} and r['filtered'] == {'rule': 'DW014'}"
dw audit --offline $ap --config $apcfg --severity info --output json
check "--severity info keeps only info findings" \
	pycheck "r['findings'] and {f['severity'] for f in r['findings']} == {'info'} and r['summary']['findings'] > len(r['findings'])"
dw audit --offline $ap --config $apcfg --domain ledger --output json
check "--domain ledger keeps the findings that concern ledger" \
	pycheck "r['findings'] and all(any(p.startswith('ledger/') for p in f['products'] + [f['location']['product'] or '']) for f in r['findings'])"
dw audit --offline $ap --config $apcfg --rule DW999
expect_rc 2 "--rule with an unknown rule exits 2"
dw audit --offline $ap --fail-on sometimes
expect_rc 2 "--fail-on with an unknown value exits 2"
dw audit --offline
expect_rc 2 "--offline without a path exits 2"

# --now moves review dates and expiries.
dw audit --offline $ap --config $apcfg --output json
check "today: the 2020 review date is overdue (DW002) and the 2021 suppression expired (DW030)" \
	pycheck "{'DW002', 'DW030'} <= {f['rule'] for f in r['findings']}"
dw audit --offline $ap --config $apcfg --now 2019-06-01 --output json
check "--now 2019-06-01: no DW002 and no DW030" \
	pycheck "not {'DW002', 'DW030'} & {f['rule'] for f in r['findings']}"
check "--now 2019-06-01: the DW022 suppression silences again" \
	pycheck "any(f['rule'] == 'DW022' for f in r['suppressed'])"
dw audit --offline $ap --now 2019-13-45
expect_rc 2 "--now with an invalid date exits 2"

# Bad config files and descriptors: exit 2, file:line:col.
printf 'config:\n  maxDirectFanOut: 3\n  maxFanOut: 4\n' >bad-setting.yaml
dw audit --offline $ap --config bad-setting.yaml
expect_rc 2 "a config with an unknown setting exits 2"
check "unknown setting: bad-setting.yaml:3:COL: /config/maxFanOut: ..." \
	err_has "^bad-setting.yaml:3:[0-9]+: /config/maxFanOut: unknown audit setting 'maxFanOut'"
printf 'suppressions:\n  - {rule: DW013, reason: r, expires: 2099-01-01}\n  - rule: DW777\n    reason: r\n    expires: 2099-01-01\n' >bad-rule.yaml
dw audit --offline $ap --config bad-rule.yaml
expect_rc 2 "a suppression of an unknown rule exits 2"
check "unknown rule: bad-rule.yaml:3:COL: /suppressions/1: ..." \
	err_has "^bad-rule.yaml:3:[0-9]+: /suppressions/1: .*DW777"
printf 'config: {maxSyncShare: 2}\nextra: 1\n' >bad-top.yaml
dw audit --offline $ap --config bad-top.yaml
expect_rc 2 "a config with an unknown top-level property exits 2"
check "unknown property: bad-top.yaml:2:COL: /extra" err_has "^bad-top.yaml:2:[0-9]+: /extra: "
printf 'config: [unclosed\n' >bad-syntax.yaml
dw audit --offline $ap --config bad-syntax.yaml
expect_rc 2 "a config that does not parse exits 2"
check "syntax error located in bad-syntax.yaml" err_has "^bad-syntax.yaml:[0-9]+:[0-9]+: "
dw audit --offline $ap --config no-such-file.yaml
expect_rc 2 "a missing config file exits 2"
cp -R $ap broken
sed 's/lifecycle: production}/lifecycle: prod}/' $ap/ops.yaml >broken/ops.yaml
dw audit --offline broken
expect_rc 2 "an invalid descriptor exits 2"
check "invalid descriptor: broken/ops.yaml:LINE:COL: /metadata/lifecycle" \
	err_has "^broken/ops.yaml:[0-9]+:[0-9]+: /metadata/lifecycle: "

# --- advise (offline, the decision table) -----------------------------------------------------
advise_is() { # advise_is PATTERN RULE FLAGS...: the advice names PATTERN by RULE
	want=$1
	rule=$2
	shift 2
	dw advise "$@"
	if [ "$rc" -eq 0 ] && grep -Eq "^pattern: +$want\$" "$tmp/out" &&
		grep -Eq "^rule: +$rule " "$tmp/out"; then
		pass "advise $*: $want ($rule)"
	else
		fail "advise $*: expected $want ($rule)"
	fi
}
advise_is rest-api ADV-03 --consistency strong --interaction query --cross-domain
advise_is saga ADV-01 --distributed-transaction --consistency strong
advise_is cdc ADV-05 --source-database --consumers 3
advise_is batch ADV-04 --source-database --warehouse --latency-ms 86400000
advise_is bff ADV-09 --frontends 3 --backend-calls 5
advise_is event-stream ADV-13 --replay --interaction notification
advise_is event-broker ADV-14 --consumers 4
advise_is queue-load-leveling ADV-17 --spiky --interaction command
advise_is cep ADV-02 --correlation-window-ms 60000
dw advise --consistency strong --interaction query --cross-domain --pattern message-queue
check "advise --pattern: a contradicting declaration is said so" \
	out_has "^declared: +message-queue \\(contradicts the advice\\)"
check "advise: the alternatives and why they lost" out_has "^cdc +no +lost: "
dw --output json advise --consistency strong --interaction query --cross-domain --pattern soa
check "advise json: the advice object, soa acceptable" \
	pycheck "r['pattern'] == 'rest-api' and r['rule'] == 'ADV-03' and r['contradicts'] is False and 'crossDomain' in r['matched']"
dw advise --consistency STRONG
expect_rc 2 "advise with an unknown consistency exits 2"
check "advise: the bad value's pointer" err_has "/consistency: "
dw advise --latency-ms soon
expect_rc 2 "advise with a non-numeric latency exits 2"

# --- graph (offline) --------------------------------------------------------------------------
# shellcheck disable=SC2086
dw graph --offline $real
expect_rc 0 "graph --offline exits 0"
check "graph --offline: DOT with the examples' products" \
	sh -c "head -n 1 '$tmp/out' | grep -q '^digraph' && grep -q '\"customer/profile-api\"' '$tmp/out'"
dw graph --offline $ap --config $apcfg --domain ledger
expect_rc 0 "graph --offline --domain ledger exits 0"
check "graph --domain ledger: ledger's products, without unrelated ones" \
	sh -c "grep -q '\"ledger/books\"' '$tmp/out' && ! grep -q '\"hub/kiosk-bff\" \\[' '$tmp/out'"
dw graph --offline $ap --format svg
expect_rc 2 "graph --offline --format svg exits 2"
check "graph svg offline: says to use the registry" err_has "svg needs the registry"

# --- against the registry -------------------------------------------------------------------
lib_start_server

# shellcheck disable=SC2086
dw register $real
expect_rc 0 "register the examples landscape"
dw audit
expect_rc 0 "audit from the registry holding examples exits 0"
check "registry audit of examples: no error or warning findings" out_has "^audit: 0 errors, 0 warnings"

# Findings as (rule, product, pointer, message): the registry and offline agree. Pointers into
# the landscape itself (/domains/N) depend on the order the domains are listed in, so findings
# about the landscape as a whole are compared without them.
findings_of() { # findings_of FILE: the sorted findings of the JSON report in FILE, one a line
	"$py" -c "import json,sys
r = json.load(open(sys.argv[1]))
for f in sorted(r['findings'] + r['suppressed'], key=lambda f: (f['rule'], f['location']['product'] or '', f['location']['pointer'], f['message'])):
    l = f['location']
    print(f['rule'], l['product'], l['pointer'] if l['product'] else '-', f['message'])" "$1"
}
dw register $ap
expect_rc 0 "register the anti-pattern landscape too"
dw audit --output json
expect_rc 1 "audit from the registry with anti-patterns exits 1"
findings_of "$tmp/out" >server.txt
# shellcheck disable=SC2086
dw audit --offline $real $ap --output json
findings_of "$tmp/out" >offline.txt
check "registry and offline audits give the same findings ($(wc -l <offline.txt) findings)" \
	sh -c "[ -s offline.txt ] && cmp -s server.txt offline.txt"
if ! cmp -s server.txt offline.txt; then diff server.txt offline.txt | sed -n '1,10s/^/    /p'; fi
dw audit --rule DW013 --output json
check "registry audit --rule DW013: only DW013, filtered" \
	pycheck "r['findings'] and {f['rule'] for f in r['findings']} == {'DW013'} and r['filtered']['rule'] == 'DW013'"
dw audit --output sarif
check "registry sarif: logical locations name the products" \
	pycheck "any(l['logicalLocations'][0]['fullyQualifiedName'] == 'ledger/books' for x in r['runs'][0]['results'] for l in x.get('locations', []) if 'logicalLocations' in l)"
dw audit --config $apcfg --fail-on never
expect_rc 0 "registry audit with --config: still answers"
check "registry audit with --config: a note that it applies offline" err_has "^note: --config applies to --offline only"
dw audit --severity fatal
expect_rc 2 "registry audit with an unknown severity exits 2"

# advise DOMAIN/PRODUCT: the registered flows as a table.
dw advise customer/profile-api
expect_rc 0 "advise customer/profile-api exits 0"
check "advise product: the table header" out_has "^CONSUMER +DECLARED +ADVISED +WHY"
check "advise product: the agent console's flow advised rest-api by ADV-03" \
	out_has "^support/agent-console +rest-api +rest-api \\(ADV-03\\) +a strongly consistent read"
dw advise pay/payments
check "advise pay/payments: the contradicting queue flow is marked" \
	out_has "^crm/accounts +message-queue \\(!\\) +rest-api \\(ADV-03\\)"
check "advise pay/payments: the footnote counts it" out_has "^\\(!\\) 1 of [0-9]+ declared pattern"
dw --output json advise customer/profile-changed
check "advise product json: one entry per flow with its advice" \
	pycheck "r['product'] == 'customer/profile-changed' and r['flows'] and all(f['advice']['pattern'] for f in r['flows'])"
dw advise nosuch/product
expect_rc 1 "advise an unknown product exits 1"
dw advise customer/profile-api --consistency strong
expect_rc 2 "advise DOMAIN/PRODUCT with flow constraints exits 2"
if command -v curl >/dev/null 2>&1; then
	run curl -s -X POST -H 'Content-Type: application/json' \
		-d '{"consistency": "strong", "interaction": "query", "crossDomain": true}' \
		"$DRIVEWAY_URL/advice"
	cp "$tmp/out" advice-server.json
	dw --output json advise --consistency strong --interaction query --cross-domain
	check "advise gives the same answer as POST /advice" \
		"$py" -c "import json,sys; sys.exit(json.load(open('advice-server.json')) != json.load(open(sys.argv[1])))" "$tmp/out"
fi

# graph from the registry.
dw graph
expect_rc 0 "graph from the registry exits 0"
check "graph from the registry: DOT" sh -c "head -n 1 '$tmp/out' | grep -q '^digraph'"
dw graph --format svg --domain customer
expect_rc 0 "graph --format svg --domain customer exits 0"
check "graph svg: an SVG document" out_has "<svg"
dw graph --domain nosuch
expect_rc 1 "graph of an unknown domain exits 1"

# Unreachable registry.
kill "$server_pid" 2>/dev/null || :
wait "$server_pid" 2>/dev/null || :
server_pid=
dw audit
expect_rc 3 "audit with the registry down exits 3"

lib_finish cli_audit.sh
