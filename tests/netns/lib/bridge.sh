# Sourced by the multi-host tests and benchmarks: "hosts" as network
# namespaces joined by a bridge, on a /24 used only inside them.
#
#   bridge_hosts BRIDGE_NS SUBNET NS_PREFIX HOST...
#
# makes namespace BRIDGE_NS holding bridge br0 and, for the i-th HOST
# (from 1), namespace NS_PREFIX$HOST whose eth0 (one end of a veth pair, the
# other on br0) has SUBNET.i/24, with eth0 and lo up. The caller deletes the
# namespaces (ip netns del), which takes the veths and the bridge with them.
bridge_hosts() {
  local bridge=$1 subnet=$2 prefix=$3 n=1 ns
  shift 3
  ip netns add "$bridge"
  ip -n "$bridge" link add br0 type bridge
  ip -n "$bridge" link set br0 up
  for h in "$@"; do
    ns=$prefix$h
    ip netns add "$ns"
    ip link add "v-${ns#rocd-}" type veth peer name eth0 netns "$ns"
    ip link set "v-${ns#rocd-}" netns "$bridge"
    ip -n "$bridge" link set "v-${ns#rocd-}" master br0 up
    ip -n "$ns" addr add "$subnet.$n/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    n=$((n + 1))
  done
}
