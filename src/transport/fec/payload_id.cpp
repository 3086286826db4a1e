#include "transport/fec/payload_id.h"

#include "transport/core/byte_order.h"

namespace rocd::transport::fec {

namespace {

using core::load_be16;
using core::load_be24;
using core::store_be16;
using core::store_be24;

std::optional<Rs8mPayloadId> parse_rs8m(std::span<const std::uint8_t> bytes, bool source) {
    if (bytes.size() < Rs8mPayloadId::size) {
        return std::nullopt;
    }
    Rs8mPayloadId id;
    id.sbn = load_be24(&bytes[0]);
    id.esi = bytes[3];
    id.k = load_be16(&bytes[4]);
    if (id.k == 0 || id.k >= Rs8mPayloadId::max_n) {
        return std::nullopt;
    }
    if (source != id.is_source()) {
        return std::nullopt;
    }
    return id;
}

} // namespace

std::optional<Rs8mPayloadId> Rs8mPayloadId::parse_source(std::span<const std::uint8_t> bytes) {
    return parse_rs8m(bytes, true);
}

std::optional<Rs8mPayloadId> Rs8mPayloadId::parse_repair(std::span<const std::uint8_t> bytes) {
    // An ESI of 255 would be symbol number 256 of a 255-symbol code.
    auto id = parse_rs8m(bytes, false);
    if (id && id->esi >= max_n) {
        return std::nullopt;
    }
    return id;
}

bool Rs8mPayloadId::compose(std::span<std::uint8_t> out) const {
    if (out.size() < size || sbn > 0xFFFFFF || k == 0 || k >= max_n || esi >= max_n) {
        return false;
    }
    store_be24(&out[0], sbn);
    out[3] = esi;
    store_be16(&out[4], k);
    return true;
}

std::optional<LdpcSourcePayloadId> LdpcSourcePayloadId::parse(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < size) {
        return std::nullopt;
    }
    LdpcSourcePayloadId id;
    id.sbn = load_be16(&bytes[0]);
    id.esi = load_be16(&bytes[2]);
    id.k = load_be16(&bytes[4]);
    if (id.k == 0 || id.esi >= id.k) {
        return std::nullopt;
    }
    return id;
}

bool LdpcSourcePayloadId::compose(std::span<std::uint8_t> out) const {
    if (out.size() < size || k == 0 || esi >= k) {
        return false;
    }
    store_be16(&out[0], sbn);
    store_be16(&out[2], esi);
    store_be16(&out[4], k);
    return true;
}

std::optional<LdpcRepairPayloadId> LdpcRepairPayloadId::parse(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < size) {
        return std::nullopt;
    }
    LdpcRepairPayloadId id;
    id.sbn = load_be16(&bytes[0]);
    id.esi = load_be16(&bytes[2]);
    id.k = load_be16(&bytes[4]);
    id.n = load_be16(&bytes[6]);
    if (id.k == 0 || id.n <= id.k || id.esi < id.k || id.esi >= id.n) {
        return std::nullopt;
    }
    return id;
}

bool LdpcRepairPayloadId::compose(std::span<std::uint8_t> out) const {
    if (out.size() < size || k == 0 || n <= k || esi < k || esi >= n) {
        return false;
    }
    store_be16(&out[0], sbn);
    store_be16(&out[2], esi);
    store_be16(&out[4], k);
    store_be16(&out[6], n);
    return true;
}

} // namespace rocd::transport::fec
