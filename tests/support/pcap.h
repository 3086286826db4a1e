// Reads the UDP datagrams of a classic pcap file: the Roc Toolkit captures
// in ../shared/interop/ are the test vectors of the transport.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rocd::test {

/// One UDP datagram as captured.
struct UdpDatagram {
    double time_s = 0;        ///< capture time, seconds since the epoch
    std::uint32_t src_ip = 0; ///< IPv4, host order
    std::uint16_t src_port = 0;
    std::uint32_t dst_ip = 0;
    std::uint16_t dst_port = 0;
    std::vector<std::uint8_t> payload;
};

/// Every IPv4/UDP datagram of `path` in capture order (Ethernet link type).
/// Throws std::runtime_error if the file is missing or malformed.
std::vector<UdpDatagram> read_pcap_udp(const std::string& path);

/// Path of a file in ../shared/interop/, found from the source tree.
std::string interop_path(const std::string& name);

} // namespace rocd::test
