// A config file's text: yaml-cpp, then every key's parser and the checks
// across keys. Each refusal names the file (and, from the parser, the line
// and key), as the daemon prints it before it exits.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) {
        return -1;
    }
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = rocd::config::apply_config_text(text, "fuzz.yaml", {});
    if (!config) {
        if (config.error().message.rfind("fuzz.yaml", 0) != 0) {
            std::fprintf(stderr, "fuzz: a refusal that does not name the file: %s\n",
                         config.error().message.c_str());
            std::abort();
        }
        return 0;
    }
    (void)rocd::config::validate(*config);
    return 0;
}
