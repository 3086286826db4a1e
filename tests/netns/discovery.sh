#!/usr/bin/env bash
# Discovery of peers (docs/p2p.md §16) across three rocd "hosts" in network
# namespaces joined by a bridge on a private /24 used only inside them
# (10.77.2.0/24). Each host runs, as shared/design/P2P.md describes, a
# private D-Bus system bus and its own avahi-daemon, each process of the
# host seeing the host's own /run (a bind mount in a mount namespace of its
# own), so the three Avahi daemons talk mDNS only across the bridge.
#
# Checks: with `discovery: dns-sd` every daemon lists the two others as
# `discovered` within 3 s of the last start, with nothing configured; the
# TXT record on the wire is §16.1's; a daemon that started before its
# avahi-daemon says so once and publishes when Avahi comes; a daemon
# stopped cleanly leaves the others running; `discovery: static` finds a
# configured peer with no Avahi at all; `discovery: off` ignores `peers`;
# three daemons sharing a `network_secret` find and trust each other with no
# one pairing, and a fourth with another secret is only discovered.
#
#   tests/netns/discovery.sh ROCD_BIN        (root; exits non-zero on failure)
#
# Runs itself again under `unshare -m` with a private /run/netns; a trap
# ends everything it started, by PID, and deletes the namespaces, also when
# a check fails.
set -euo pipefail

rocd=${1:?usage: tests/netns/discovery.sh ROCD_BIN}
rocd=$(realpath "$rocd")
if [ -z "${ROCD_NETNS_INNER:-}" ]; then
  exec env ROCD_NETNS_INNER=1 unshare -m -- "$0" "$rocd"
fi
mount -t tmpfs none /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs none /run/netns; }
for tool in dbus-daemon avahi-daemon avahi-browse avahi-publish; do
  command -v "$tool" >/dev/null || { echo "netns discovery: FAIL: $tool missing (scripts/install-deps)" >&2; exit 1; }
done

hosts=(h1 h2 h3 h4)
trio=(h1 h2 h3) # h4 joins for the fleet only
work=$(mktemp -d /tmp/rocd-netns-dnssd-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Anything still in a host's namespace (a child some step left) goes too.
  for h in "${hosts[@]}"; do
    for pid in $(ip netns pids "rocd-d$h" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "rocd-d$h" 2>/dev/null || true
  done
  ip netns del rocd-dbr 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "netns discovery: FAIL: $*" >&2
  for h in "${hosts[@]}"; do
    echo "--- rocd on $h" >&2
    grep -v " http " "$work/$h.log" 2>/dev/null | tail -20 >&2 || true
    echo "--- avahi-daemon on $h" >&2
    tail -8 "$work/$h-avahi.log" >&2 2>/dev/null || true
  done
  exit 1
}

. "$(dirname "$0")/lib/bridge.sh"
bridge_hosts rocd-dbr 10.77.2 rocd-d "${hosts[@]}"
for h in "${hosts[@]}"; do
  # mDNS (224.0.0.251) leaves through the veth, never another interface.
  ip -n "rocd-d$h" route add 224.0.0.0/4 dev eth0
  mkdir -p "$work/$h/run/dbus" "$work/$h/run/avahi-daemon"
done

# The D-Bus and Avahi configurations: a system bus that lets root do
# anything, and an avahi-daemon on the veth only, IPv4, publishing nothing
# of its own but rocd's service.
cat >"$work/dbus.conf" <<'EOF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
for h in "${hosts[@]}"; do
  cat >"$work/$h-avahi.conf" <<EOF
[server]
host-name=rocd-$h
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-aaaa-on-ipv4=no
EOF
done

# Runs a command of host H in its network namespace, with the host's own
# /run.
in_host() {
  local h=$1
  shift
  ip netns exec "rocd-d$h" unshare -m -- sh -c 'mount --bind "$0" /run && exec "$@"' "$work/$h/run" "$@"
}
# The same in the background, output appended to LOG; its PID in $started.
# The `&` is on ip itself, never on a function (a backgrounded function is
# a subshell, and $! would be that shell): ip, unshare and sh all exec, so
# $! is the command's own PID.
in_host_bg() { # host log command...
  local h=$1 log=$2
  shift 2
  ip netns exec "rocd-d$h" unshare -m -- sh -c 'mount --bind "$0" /run && exec "$@"' "$work/$h/run" "$@" \
    >>"$log" 2>&1 &
  started=$!
  pids+=("$started")
}
api() { # host method path
  in_host "$1" curl -s -m 2 -X "$2" "http://127.0.0.1:4040$3"
}
field() { python3 -c "import json,sys; v=json.load(sys.stdin); print(v.get('$1', ''))"; }

start_dbus() {
  in_host_bg "$1" "$work/$1-dbus.log" dbus-daemon --config-file="$work/dbus.conf" --nofork --nopidfile
  for _ in $(seq 50); do
    [ -S "$work/$1/run/dbus/system_bus_socket" ] && return 0
    sleep 0.1
  done
  fail "dbus-daemon on $1 did not start"
}
start_avahi() {
  in_host_bg "$1" "$work/$1-avahi.log" avahi-daemon --file="$work/$1-avahi.conf" --no-drop-root --no-chroot \
    --no-rlimits
  eval "avahi_$1=$started"
  for _ in $(seq 50); do
    grep -q "Server startup complete" "$work/$1-avahi.log" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "avahi-daemon on $1 did not start"
}
start() { # host discovery [config]
  local h=$1
  local n=${h#h}
  local args=(-v --driver mock --listen 127.0.0.1:4040 --p2p-listen "10.77.2.$n:4041" --state-dir "$work/$h/state"
    --discovery "$2")
  [ -z "${3:-}" ] || { printf '%s' "$3" >"$work/$h.yaml"; args+=(--config "$work/$h.yaml"); }
  in_host_bg "$h" "$work/$h.log" "$rocd" "${args[@]}"
  eval "pid_$h=$started"
  for _ in $(seq 100); do
    api "$h" GET /status >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "rocd on $h did not start"
}
stop() { # host: SIGTERM, and it must exit 0 (a clean stop, not a crash)
  local pid_var="pid_$1" status=0
  kill -TERM "${!pid_var}"
  wait "${!pid_var}" || status=$?
  [ "$status" -eq 0 ] || fail "rocd on $1 exited $status on SIGTERM"
}
# Waits (SECONDS s at most) until each listed host lists each other one with trust TRUST.
until_all_see() { # seconds trust host...
  local seconds=$1 trust=$2 missing=
  shift 2
  local deadline=$((SECONDS + seconds)) tries=$((seconds * 10))
  for _ in $(seq "$tries"); do
    missing=
    for h in "$@"; do
      for o in "$@"; do
        [ "$h" = "$o" ] && continue
        local uid_var="uid_$o"
        [ "$(api "$h" GET "/peers/${!uid_var}" | field trust 2>/dev/null)" = "$trust" ] || missing+=" $h->$o"
      done
    done
    [ -z "$missing" ] && return 0
    [ "$SECONDS" -le "$deadline" ] || break
    sleep 0.1
  done
  fail "not $trust within ${seconds} s:$missing"
}

echo "netns discovery: three hosts, each with its D-Bus and avahi-daemon; h3's Avahi starts after its rocd"
for h in "${trio[@]}"; do start_dbus "$h"; done
start_avahi h1
start_avahi h2
start h3 dns-sd
start h1 dns-sd
start h2 dns-sd
start_avahi h3
for h in "${trio[@]}"; do eval "uid_$h=$(api "$h" GET /peers/self | field peer_uid)"; done

echo "netns discovery: each lists the two others as discovered within 3 s"
until_all_see 3 discovered h1 h2 h3
for h in "${trio[@]}"; do
  [ "$(api "$h" GET /peers | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ] ||
    fail "$h lists other than three peers: $(api "$h" GET /peers)"
done
[ "$(grep -c "no avahi-daemon reachable" "$work/h3.log")" = 1 ] ||
  fail "h3 should say once that no avahi-daemon was reachable"
# The three daemons share the machine's host name as display name, so all
# but one publish under an alternative name: Avahi's probing takes a while.
for _ in $(seq 50); do
  grep -q "published on DNS-SD" "$work/h3.log" && break
  sleep 0.1
done
grep -q "published on DNS-SD" "$work/h3.log" || fail "h3 did not publish once its avahi-daemon started"
grep -q "is taken; publishing as" "$work/h1.log" "$work/h3.log" || fail "no daemon took an alternative name"

echo "netns discovery: the TXT record on the wire (avahi-browse on h1)"
browse=$(in_host h1 timeout 5 avahi-browse -rpt _rocd._tcp 2>/dev/null | grep '^=' || true)
h2_key=$(api h2 GET /peers/self | field public_key)
h2_fp=$(api h2 GET /peers/self | field fingerprint)
line=$(grep "uid=$uid_h2" <<<"$browse" | head -1)
[ -n "$line" ] || fail "avahi-browse on h1 does not see h2: $browse"
for want in '"txtvers=1"' "\"uid=$uid_h2\"" '"v=1-1"' "\"pk=$h2_key\"" "\"fp=$h2_fp\"" ';10.77.2.2;4041;'; do
  grep -qF -- "$want" <<<"$line" || fail "h2's announcement lacks $want: $line"
done

echo "netns discovery: hostile announcements from h1 are ignored"
# A wrong fingerprint, bytes that are not text, and a record whose first
# uid is not the one bound to its key (only the first occurrence counts).
in_host_bg h1 "$work/h1-publish.log" avahi-publish -s "bad fp" _rocd._tcp 4041 txtvers=1 \
  uid=aaaaaa-aaaaaa-aaaaaa v=1-1 "pk=$h2_key" fp=0000:0000:0000:0000:0000:0000:0000:0000
in_host_bg h1 "$work/h1-publish.log" avahi-publish -s "not text" _rocd._tcp 4041 txtvers=1 \
  $'uid=\xff\xfe\x01' $'v=1-\xc0' $'pk=\x80' fp=
in_host_bg h1 "$work/h1-publish.log" avahi-publish -s "two uids" _rocd._tcp 4041 txtvers=1 \
  uid=cccccc-cccccc-cccccc "uid=$uid_h2" v=1-1 "pk=$h2_key" "fp=$h2_fp"
for _ in $(seq 50); do
  grep -q "ignoring DNS-SD service 'not text'" "$work/h3.log" &&
    grep -q "ignoring DNS-SD service 'bad fp': fp is not the fingerprint of pk" "$work/h3.log" &&
    grep -q "of $uid_h2 as cccccc-cccccc-cccccc; ignored" "$work/h3.log" && break
  sleep 0.1
done
grep -q "ignoring DNS-SD service 'bad fp': fp is not the fingerprint of pk" "$work/h3.log" ||
  fail "h3 did not refuse the announcement with a wrong fingerprint"
grep -q "ignoring DNS-SD service 'not text'" "$work/h3.log" || fail "h3 did not refuse the garbled announcement"
grep -q "of $uid_h2 as cccccc-cccccc-cccccc; ignored" "$work/h3.log" ||
  fail "h3 did not ignore h2's key announced under another uid"
for h in "${trio[@]}"; do
  [ "$(api "$h" GET /peers | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ] ||
    fail "$h lists other than three peers after the hostile announcements: $(api "$h" GET /peers)"
done

echo "netns discovery: h3's avahi-daemon restarts; h3 says it once and publishes again"
kill -TERM "$avahi_h3"
wait "$avahi_h3" 2>/dev/null || true
rm -f "$work/h3/run/avahi-daemon/"*
: >"$work/h3-avahi.log"
for _ in $(seq 50); do
  [ "$(grep -c "no avahi-daemon reachable" "$work/h3.log")" = 2 ] && break
  sleep 0.1
done
[ "$(grep -c "no avahi-daemon reachable" "$work/h3.log")" = 2 ] ||
  fail "h3 should say once more that no avahi-daemon is reachable"
start_avahi h3
for _ in $(seq 80); do
  [ "$(grep -c "published on DNS-SD" "$work/h3.log")" = 2 ] && break
  sleep 0.1
done
[ "$(grep -c "published on DNS-SD" "$work/h3.log")" = 2 ] || fail "h3 did not publish again"
api h3 GET /status >/dev/null || fail "rocd on h3 no longer answers"

echo "netns discovery: h2 stops cleanly; h1 and h3 carry on and see it offline"
stop h2
for h in h1 h3; do
  api "$h" GET /status >/dev/null || fail "rocd on $h no longer answers after h2 stopped"
done
for _ in $(seq 100); do
  [ "$(api h1 GET "/peers/$uid_h2" | field state)" = offline ] && break
  sleep 0.1
done
[ "$(api h1 GET "/peers/$uid_h2" | field state)" = offline ] || fail "h1 does not see h2 offline"

echo "netns discovery: Avahi and D-Bus gone; discovery: static finds a configured peer"
stop h1
stop h3
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()
rm -rf "$work"/h*/run/dbus/* "$work"/h*/run/avahi-daemon/*
for h in "${trio[@]}"; do mv "$work/$h.log" "$work/$h-dns-sd.log"; done
start h2 static
start h1 static "peers:
  - address: 10.77.2.2:4041
    public_key: \"$h2_key\"
"
until_all_see 5 discovered h1 h2
! grep -q "discovery:" "$work/h1.log" "$work/h2.log" || fail "discovery: static touched Avahi"

echo "netns discovery: discovery: off ignores peers"
start h3 off "peers:
  - address: 10.77.2.2:4041
    public_key: \"$h2_key\"
"
grep -q "discovery off: the 1 peers of the config are not dialed" "$work/h3.log" ||
  fail "h3 should say that it does not dial its configured peer"
sleep 2
[ "$(api h3 GET /peers | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
  fail "h3 (discovery: off) lists peers: $(api h3 GET /peers)"
[ -z "$(api h2 GET "/peers/$uid_h3" | field trust)" ] || fail "h2 was dialed by h3 (discovery: off)"

echo "netns discovery: a fleet: h1, h2 and h3 share a network secret and trust each other with no one pairing;"
echo "netns discovery:   h4, with another secret, stays discovered"
stop h1
stop h2
stop h3
for h in "${trio[@]}"; do mv "$work/$h.log" "$work/$h-static.log"; done
rm -rf "$work"/h*/state
for h in "${hosts[@]}"; do start_dbus "$h"; done
for h in "${hosts[@]}"; do start_avahi "$h"; done
fleet='network_secret: "rocd-netns-fleet-secret-0123456789"'
for h in "${trio[@]}"; do start "$h" dns-sd "$fleet"; done
start h4 dns-sd 'network_secret: "another-fleet-entirely-9876543210"'
for h in "${hosts[@]}"; do eval "uid_$h=$(api "$h" GET /peers/self | field peer_uid)"; done
until_all_see 10 trusted h1 h2 h3
until_all_see 10 discovered h1 h4
until_all_see 10 discovered h2 h4
until_all_see 10 discovered h3 h4
# The proofs were exchanged once h4 has refused one of each (it says so
# once a key, whichever side's proof failed first).
refusals() { grep -cE "proved a wrong network secret|refused our proof of the network secret" "$work/h4.log"; }
for _ in $(seq 50); do
  [ "$(refusals)" -ge 3 ] && break
  sleep 0.1
done
[ "$(refusals)" -ge 3 ] || fail "h4 does not say that the proofs of h1, h2 and h3 failed"
for h in "${trio[@]}"; do
  uid_var="uid_$h"
  [ "$(api "$h" GET "/peers/$uid_h4" | field trust)" = discovered ] || fail "$h trusts h4 (another secret)"
  [ "$(api h4 GET "/peers/${!uid_var}" | field trust)" = discovered ] || fail "h4 trusts $h (another secret)"
done

echo "netns discovery: passed"
