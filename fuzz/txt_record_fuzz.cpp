// A DNS-SD TXT record as it comes off the wire (RFC 6763 §6.1: strings,
// each a length byte and that many bytes), read by parse_txt_record as
// src/discovery/dns_sd.cpp hands it what Avahi resolved.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "discovery/txt_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 9000) { // an mDNS packet holds no more
        return -1;
    }
    std::vector<std::string> strings;
    for (std::size_t i = 0; i < size;) {
        const std::size_t length = data[i++];
        const std::size_t take = length < size - i ? length : size - i;
        strings.emplace_back(reinterpret_cast<const char*>(data + i), take);
        i += take;
    }
    auto announced = rocd::discovery::parse_txt_record(strings);
    if (!announced) {
        if (announced.error().message.empty()) {
            std::fprintf(stderr, "fuzz: a refusal without a reason\n");
            std::abort();
        }
        return 0;
    }
    // What is accepted says what this daemon would announce of that peer.
    auto again = rocd::discovery::parse_txt_record(
        rocd::discovery::txt_record(announced->uid, announced->public_key, announced->versions));
    if (!again || again->uid != announced->uid || again->public_key != announced->public_key ||
        again->versions.min != announced->versions.min || again->versions.max != announced->versions.max) {
        std::fprintf(stderr, "fuzz: an accepted record does not rebuild to itself\n");
        std::abort();
    }
    return 0;
}
