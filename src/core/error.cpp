#include "core/error.h"

namespace rocd {

const char* errc_name(Errc code) {
    switch (code) {
    case Errc::invalid_argument:
        return "invalid_argument";
    case Errc::unauthorized:
        return "unauthorized";
    case Errc::not_found:
        return "not_found";
    case Errc::conflict:
        return "conflict";
    case Errc::unsupported:
        return "unsupported";
    case Errc::unavailable:
        return "unavailable";
    case Errc::timed_out:
        return "timed_out";
    case Errc::limit_reached:
        return "limit_reached";
    case Errc::gone:
        return "gone";
    case Errc::io:
        return "io";
    case Errc::internal:
        return "internal";
    }
    return "internal";
}

} // namespace rocd
