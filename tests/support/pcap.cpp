#include "pcap.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace rocd::test {

namespace {

std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}

std::uint16_t be16(const std::uint8_t* p) {
    return std::uint16_t(p[0] << 8 | p[1]);
}

std::uint32_t be32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 |
           std::uint32_t(p[3]);
}

} // namespace

std::vector<UdpDatagram> read_pcap_udp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot open " + path);
    }
    const std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)), {});
    constexpr std::size_t global_header = 24;
    constexpr std::size_t record_header = 16;
    constexpr std::uint32_t magic_us = 0xa1b2c3d4;
    constexpr std::uint32_t linktype_ethernet = 1;
    if (data.size() < global_header || le32(data.data()) != magic_us) {
        throw std::runtime_error(path + ": not a little-endian microsecond pcap file");
    }
    if (le32(data.data() + 20) != linktype_ethernet) {
        throw std::runtime_error(path + ": link type is not Ethernet");
    }

    std::vector<UdpDatagram> out;
    std::size_t pos = global_header;
    while (pos + record_header <= data.size()) {
        const std::uint8_t* rec = data.data() + pos;
        const double time_s = le32(rec) + le32(rec + 4) * 1e-6;
        const std::size_t caplen = le32(rec + 8);
        pos += record_header;
        if (pos + caplen > data.size()) {
            throw std::runtime_error(path + ": truncated record");
        }
        const std::uint8_t* frame = data.data() + pos;
        pos += caplen;

        constexpr std::size_t eth = 14;
        if (caplen < eth + 20 || be16(frame + 12) != 0x0800) {
            continue; // not IPv4
        }
        const std::uint8_t* ip = frame + eth;
        const std::size_t ihl = std::size_t(ip[0] & 0x0f) * 4;
        const std::size_t ip_total = be16(ip + 2);
        if (ip[9] != 17 || ihl < 20 || eth + ip_total > caplen) {
            continue; // not UDP, or cut short
        }
        const std::uint8_t* udp = ip + ihl;
        const std::size_t udp_len = be16(udp + 4);
        if (udp_len < 8 || ihl + udp_len > ip_total) {
            continue;
        }
        UdpDatagram d;
        d.time_s = time_s;
        d.src_ip = be32(ip + 12);
        d.dst_ip = be32(ip + 16);
        d.src_port = be16(udp);
        d.dst_port = be16(udp + 2);
        d.payload.assign(udp + 8, udp + udp_len);
        out.push_back(std::move(d));
    }
    return out;
}

std::string interop_path(const std::string& name) {
    return std::string(ROCD_INTEROP_DIR) + "/" + name;
}

} // namespace rocd::test
