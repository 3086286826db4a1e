#include "api/routes/admin.h"

#include <fstream>
#include <memory>
#include <sstream>

#include <spdlog/spdlog.h>

#include "api/http/problem.h"

namespace rocd::api {

namespace {

std::string_view content_type_of(const std::filesystem::path& file) {
    const auto ext = file.extension().string();
    if (ext == ".html") {
        return "text/html; charset=utf-8";
    }
    if (ext == ".js") {
        return "text/javascript; charset=utf-8";
    }
    if (ext == ".css") {
        return "text/css; charset=utf-8";
    }
    if (ext == ".svg") {
        return "image/svg+xml";
    }
    if (ext == ".png") {
        return "image/png";
    }
    return "application/octet-stream";
}

Response file_response(const std::string& body, std::string_view content_type, std::string_view cache) {
    Response res {http::status::ok, 11};
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, cache);
    res.set("X-Content-Type-Options", "nosniff");
    // Everything the page needs is its own: nothing from elsewhere, never
    // framed by another site.
    res.set(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    res.body() = body;
    return res;
}

} // namespace

void add_admin_routes(Router& router, const std::filesystem::path& data_dir) {
    const auto dir = data_dir / "admin";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(dir / "index.html", ec)) {
        router.add(http::verb::get, "/", [missing = (dir / "index.html").string()](const RequestContext&) {
            return problem(http::status::service_unavailable, "unavailable",
                           "the web admin is not installed (" + missing +
                               "); run scripts/install-deps and rebuild. The API reference is at /docs.");
        });
        return;
    }
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        auto body = std::make_shared<const std::string>(text.str());
        const auto name = entry.path().filename().string();
        const auto type = content_type_of(entry.path());
        if (name == "index.html") {
            // The page names its files by their content's hash: it is always
            // asked again, they never are.
            router.add(http::verb::get, "/", [body, type](const RequestContext&) {
                return file_response(*body, type, "no-cache");
            });
        } else {
            router.add(http::verb::get, "/admin/" + name, [body, type](const RequestContext&) {
                return file_response(*body, type, "public, max-age=31536000, immutable");
            });
        }
        ++files;
    }
    spdlog::debug("web admin: {} files from {}", files, dir.string());
}

} // namespace rocd::api
