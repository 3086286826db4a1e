// Plain-text tables for people: one row per resource, columns sized to fit.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rocctl {

/// A column: its heading and the JSON pointer ("/state", "/metrics/latency_ms")
/// of the value shown.
struct Column {
    std::string heading;
    std::string pointer;
};

/// Renders `rows` (a JSON array of objects) with `columns`; a missing value
/// shows as "-".
std::string render_table(const nlohmann::json& rows, const std::vector<Column>& columns);

/// Renders one object as "key: value" lines (nested objects indented).
std::string render_object(const nlohmann::json& object, int indent = 0);

} // namespace rocctl
