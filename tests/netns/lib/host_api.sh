# Sourced by the multi-host tests whose hosts are namespaces rocd-HOST, each
# with a rocd serving its API on its own 127.0.0.1:4040.
#
#   in_host HOST CMD...          runs CMD in that host's namespace
#   api HOST METHOD PATH [JSON]  the API's answer body
#   field KEY                    KEY of the JSON object on stdin ('' if none)
#   wait_for_api HOST            waits (10 s) for its API, else calls `fail`
in_host() { local h=$1; shift; ip netns exec "rocd-$h" "$@"; }
api() {
  local h=$1 method=$2 path=$3 body=${4:-}
  if [ -n "$body" ]; then
    in_host "$h" curl -s -X "$method" -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:4040$path"
  else
    in_host "$h" curl -s -X "$method" "http://127.0.0.1:4040$path"
  fi
}
field() { python3 -c "import json,sys; v=json.load(sys.stdin); print(v.get('$1', '') if isinstance(v, dict) else '')"; }
wait_for_api() {
  for _ in $(seq 100); do
    api "$1" GET /status >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "rocd on $1 did not start"
}
