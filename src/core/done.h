// How the control plane's services answer what they cannot answer at once.
#pragma once

#include <functional>

#include "core/error.h"

namespace rocd {

/// Receives an operation's outcome exactly once, on the control plane's
/// thread. It may run before the call that started it returns (a request
/// refused up front); the caller must not assume either order.
template <class T> using Done = std::function<void(Result<T>)>;

} // namespace rocd
