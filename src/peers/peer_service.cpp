#include "peers/peer_service.h"

#include <algorithm>

namespace rocd::peers {

namespace {

constexpr std::size_t max_name_chars = 64;

// Number of code points, or -1 if `text` is not valid UTF-8 or holds a
// control character.
long count_printable_utf8(const std::string& text) {
    long count = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (byte < 0x80) {
            len = 1;
            cp = byte;
        } else if ((byte & 0xe0) == 0xc0) {
            len = 2;
            cp = byte & 0x1f;
        } else if ((byte & 0xf0) == 0xe0) {
            len = 3;
            cp = byte & 0x0f;
        } else if ((byte & 0xf8) == 0xf0) {
            len = 4;
            cp = byte & 0x07;
        } else {
            return -1;
        }
        if (i + len > text.size()) {
            return -1;
        }
        for (std::size_t k = 1; k < len; k++) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) {
                return -1;
            }
            cp = (cp << 6) | (next & 0x3f);
        }
        static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return -1; // overlong, out of range or a surrogate
        }
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            return -1;
        }
        i += len;
        count++;
    }
    return count;
}

} // namespace

PeerService::PeerService(store::PeerRepository& repository, Uid self_uid)
    : repository_(repository), self_uid_(std::move(self_uid)) {}

Result<Peer> PeerService::get(const PeerRef& peer) {
    auto record = repository_.get(resolve(peer));
    if (!record) {
        if (record.error().code == Errc::not_found) {
            return fail(Errc::not_found, "no peer " + peer.str());
        }
        return tl::unexpected(record.error());
    }
    return Peer {*record};
}

Result<std::vector<Peer>> PeerService::list() {
    auto records = repository_.list();
    if (!records) {
        return tl::unexpected(records.error());
    }
    std::vector<Peer> peers(records->begin(), records->end());
    std::stable_partition(peers.begin(), peers.end(), [](const Peer& p) { return p.is_self; });
    return peers;
}

Status PeerService::validate_display_name(const std::string& name, const std::string& field) {
    const long chars = count_printable_utf8(name);
    if (chars < 0) {
        return fail(Errc::invalid_argument, field + " must be valid UTF-8 text without control characters",
                    field);
    }
    if (chars == 0 || static_cast<std::size_t>(chars) > max_name_chars) {
        return fail(Errc::invalid_argument, field + " must be 1 to 64 characters long", field);
    }
    return {};
}

Result<Peer> PeerService::rename(const PeerRef& peer, const std::string& display_name) {
    if (auto valid = validate_display_name(display_name, "display_name"); !valid) {
        return tl::unexpected(valid.error());
    }
    auto record = repository_.update_display_name(resolve(peer), display_name);
    if (!record) {
        if (record.error().code == Errc::not_found) {
            return fail(Errc::not_found, "no peer " + peer.str());
        }
        return tl::unexpected(record.error());
    }
    const Peer renamed = *record;
    listeners_.notify(renamed);
    return renamed;
}

} // namespace rocd::peers
