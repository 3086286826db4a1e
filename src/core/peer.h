// A peer: one rocd instance, this daemon or one it knows.
#pragma once

#include <string>

#include "core/uid.h"

namespace rocd {

struct Peer {
    Uid uid;
    std::string display_name;
    /// True for exactly one peer: this daemon.
    bool is_self = false;

    bool operator==(const Peer&) const = default;
};

} // namespace rocd
