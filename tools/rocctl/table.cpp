#include "table.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace rocctl {

namespace {

std::string cell(const nlohmann::json& value) {
    if (value.is_null()) {
        return "-";
    }
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_number_float()) {
        // A measurement (rtt_ms 5.549404375) reads best to the microsecond.
        const double rounded = std::round(value.get<double>() * 1000) / 1000;
        std::string text = std::to_string(rounded == 0 ? 0.0 : rounded); // never "-0"
        text.erase(text.find_last_not_of('0') + 1);
        if (text.back() == '.') {
            text.pop_back();
        }
        return text;
    }
    return value.dump();
}

} // namespace

std::string render_table(const nlohmann::json& rows, const std::vector<Column>& columns) {
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> widths;
    for (const auto& column : columns) {
        widths.push_back(column.heading.size());
    }
    for (const auto& row : rows) {
        std::vector<std::string> line;
        for (std::size_t c = 0; c < columns.size(); c++) {
            const nlohmann::json::json_pointer pointer(columns[c].pointer);
            line.push_back(row.contains(pointer) ? cell(row.at(pointer)) : "-");
            widths[c] = std::max(widths[c], line.back().size());
        }
        cells.push_back(std::move(line));
    }
    auto render_line = [&](const std::vector<std::string>& values) {
        std::string out;
        for (std::size_t c = 0; c < values.size(); c++) {
            out += values[c];
            if (c + 1 < values.size()) {
                out += std::string(widths[c] - values[c].size() + 2, ' ');
            }
        }
        return out + "\n";
    };
    std::vector<std::string> headings;
    for (const auto& column : columns) {
        headings.push_back(column.heading);
    }
    std::string out = render_line(headings);
    for (const auto& line : cells) {
        out += render_line(line);
    }
    return out;
}

std::string render_object(const nlohmann::json& object, int indent) {
    std::string out;
    const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    for (const auto& [key, value] : object.items()) {
        if (value.is_object() && !value.empty()) {
            out += pad + key + ":\n" + render_object(value, indent + 1);
        } else {
            out += pad + key + ": " + cell(value) + "\n";
        }
    }
    return out;
}

} // namespace rocctl
