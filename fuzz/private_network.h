// The harnesses that run the daemon's services open real sockets at
// addresses the fuzzer invents; in a network namespace of their own, with
// only loopback up, nothing they send can leave the machine.
#pragma once

namespace rocd::fuzz {

/// Moves the process into a new network namespace and brings its loopback
/// up. Aborts with a message if it cannot (it needs CAP_SYS_ADMIN: run as
/// root, or under `unshare --map-root-user --net`).
void enter_private_network();

} // namespace rocd::fuzz
