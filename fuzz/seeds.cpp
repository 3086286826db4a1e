// Writes the seed corpus of every harness: datagrams and packet sequences
// from the Roc Toolkit captures in ../shared/interop, and requests, URIs,
// config files and state rows as the tests and the README write them, and
// the peer-protocol messages of docs/p2p.md.
//
//   fuzz_seeds OUT_DIR      → OUT_DIR/<harness>/<seed>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/uid.h"
#include "fuzz/packet_sequence.h"
#include "pcap.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

fs::path out_dir;

void write(const std::string& harness, const std::string& name, const Bytes& bytes) {
    const fs::path dir = out_dir / harness;
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write(const std::string& harness, const std::string& name, const std::string& text) {
    write(harness, name, Bytes(text.begin(), text.end()));
}

void capture_seeds(const char* pcap, bool ldpc) {
    const auto datagrams = rocd::test::read_pcap_udp(rocd::test::interop_path(pcap));
    const std::string stem = fs::path(pcap).stem().string();
    int rtp = 0, rtcp = 0;
    for (const auto& d : datagrams) {
        if ((d.dst_port == 10001 || d.dst_port == 10002) && rtp < 8) {
            write("rtp", stem + "-" + std::to_string(rtp++), d.payload);
        } else if ((d.dst_port == 10003 || d.src_port == 10003) && rtcp < 6) {
            write("rtcp", stem + "-" + std::to_string(rtcp++), d.payload);
        }
    }
    // Packet sequences: the first 100 datagrams as sent, and the same with
    // every 7th source packet lost (for the decoder to restore).
    for (int lose : {0, 7}) {
        Bytes seq {static_cast<std::uint8_t>(ldpc ? 1 : 0)};
        int n = 0, sources = 0;
        for (const auto& d : datagrams) {
            if (d.dst_port != 10001 && d.dst_port != 10002) {
                continue;
            }
            if (n++ == 100) {
                break;
            }
            const bool repair = d.dst_port == 10002;
            if (!repair && lose > 0 && ++sources % lose == 0) {
                continue;
            }
            rocd::fuzz::write_datagram(seq, {repair, 0, n % 2 == 0, d.payload});
        }
        write("receiver", stem + (lose ? "-lossy" : ""), seq);
    }
}

void uri_seeds() {
    const char* uris[] = {"rtp://127.0.0.1:10001",
                          "rtp+rs8m://192.168.0.1:10001",
                          "rs8m://[::1]:10002",
                          "rtp+ldpc://localhost:10001/x",
                          "ldpc://10.0.0.1:10002",
                          "rtcp://127.0.0.1:10003",
                          "/peers/self",
                          "/peers/self/ports/aaaaaa-bbbbbb-cccccc",
                          "/streams/aaaaaa-bbbbbb-cccccc",
                          "RTP://[fe80::1%25lo]:1",
                          "rtp://0.0.0.0:0",
                          "rtp://1.2.3:5"};
    int i = 0;
    for (const char* uri : uris) {
        write("uri", std::to_string(i++), std::string(uri));
    }
}

std::string request(const std::string& method, const std::string& target, const json& body = nullptr,
                    const std::string& extra = "") {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:4040\r\n" + extra;
    if (!body.is_null()) {
        const std::string b = body.dump();
        text +=
            "Content-Type: application/json\r\nContent-Length: " + std::to_string(b.size()) + "\r\n\r\n" + b;
    } else {
        text += "\r\n";
    }
    return text;
}

void http_seeds() {
    const std::string mic = "/peers/self/ports/" + rocd::Uid::derive("port", "mock:mock_microphone").str();
    const std::string speakers = "/peers/self/ports/" + rocd::Uid::derive("port", "mock:mock_speakers").str();
    const json send = {{"source", {{"type", "port"}, {"port_uri", mic}}},
                       {"destination",
                        {{"type", "address"},
                         {"media_uri", "rtp+rs8m://127.0.0.1:10001"},
                         {"repair_uri", "rs8m://127.0.0.1:10002"},
                         {"control_uri", "rtcp://127.0.0.1:10003"}}},
                       {"settings", {{"packet_length_ms", 5}, {"fec_block_source_packets", 18}}}};
    const json receive = {{"source", {{"type", "address"}, {"media_uri", "rtp://127.0.0.1:10011"}}},
                          {"destination", {{"type", "port"}, {"port_uri", speakers}}},
                          {"settings", {{"target_latency_ms", 60}, {"resampler_quality", 5}}}};
    const json local = {{"source", {{"type", "port"}, {"port_uri", mic}}},
                        {"destination", {{"type", "port"}, {"port_uri", speakers}}}};
    const std::vector<std::string> seeds = {
        request("GET", "/status"),
        request("GET", "/peers") + request("GET", "/peers/self"),
        request("PATCH", "/peers/self", {{"display_name", "Studio"}}),
        request("GET", "/peers/self/ports?direction=output"),
        request("POST", "/peers/self/ports",
                {{"direction", "input"}, {"display_name", "Mic 2"}, {"channels", 1}}),
        request("PATCH", speakers, {{"volume", 0.5}, {"mute", true}}),
        request("POST", "/streams", send) + request("GET", "/streams"),
        request("POST", "/streams", receive),
        request("POST", "/streams", local) +
            request("PATCH", "/streams/aaaaaa-bbbbbb-cccccc", {{"settings", {{"target_latency_ms", 100}}}}),
        request("DELETE", "/streams/aaaaaa-bbbbbb-cccccc"),
        request("GET", "/events?type=stream_updated"),
        request("OPTIONS", "/streams", nullptr, "Origin: http://localhost:3000\r\n"),
        request("GET", "/openapi.json"),
        "POST /streams HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "POST /streams HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    };
    int i = 0;
    for (const auto& s : seeds) {
        write("http", std::to_string(i++), s);
    }
}

void config_seeds() {
    const std::vector<std::string> seeds = {
        "listen: 127.0.0.1:4040\ndriver: mock\nverbosity: 1\nlog_format: json\n",
        "listen: \"[::1]:0\"\nrequire_token: true\ncors_allowed_origins: [http://localhost:3000, \"*\"]\n",
        "tls_cert: /etc/rocd/cert.pem\ntls_key: /etc/rocd/key.pem\nstate_dir: /var/lib/rocd\n",
        "max_connections: 512\nmax_connections_per_client: 64\nmax_event_clients: 64\nmax_streams: 64\n"
        "max_sessions_per_stream: 4\nmax_requests_per_second: 200\n",
        "header_timeout_ms: 10000\nidle_timeout_ms: 60000\nevent_heartbeat_ms: 15000\nevent_queue_limit: "
        "1024\n",
        "p2p_listen: 0.0.0.0:4041\ndiscovery: static\npeers:\n  - studio.lan:4041\n  - address: "
        "10.0.7.12:4041\n    public_key: \"n}1M2P2:Lk+!GpVq-*>5g33V#zkix4crlFvfcU:k\"\n",
        "discovery: off\n",
        "{listen: [1, 2], driver: {a: b}}\n",
        "- a\n- b\n",
        "",
    };
    int i = 0;
    for (const auto& s : seeds) {
        write("config", std::to_string(i++), s);
    }
}

void store_seeds() {
    const std::string speakers = rocd::Uid::derive("port", "mock:mock_speakers").str();
    const std::string virt = rocd::Uid::derive("port", "mock:rocd_virtual_1").str();
    const json send = {{"source", {{"type", "port"}, {"port_uri", "/peers/self/ports/" + speakers}}},
                       {"destination", {{"type", "address"}, {"media_uri", "rtp://127.0.0.1:10001"}}}};
    const json seeds[] = {
        {{"ports",
          {{virt, "SELF", "virtual_device", "output", "mock", "rocd_virtual_1", "Virtual speaker", 2, 48000,
            1.0, 0, 1700000000000, 1700000000000}}}},
        {{"streams", {{"aaaaaa-bbbbbb-cccccc", send.dump(), 1700000000000, 1700000000000}}}},
        {{"peers", {{"dddddd-eeeeee-ffffff", "Other", 0, 1, 2}}},
         {"ports",
          {{speakers, "SELF", "system_device", "output", "mock", "mock_speakers", "Speakers", 2, 48000, 0.5,
            1, 1, 2}}},
         {"streams", {{"aaaaaa-bbbbbb-cccccc", "{\"source\": 1}", 1, 2}}}},
        {{"peers",
          {{"dddddd-eeeeee-ffffff", "Trusted", 0, 1, 2, "NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv", "trusted",
            "[\"10.0.7.12:4041\"]", 1700000000000, 1},
           {"gggggg-hhhhhh-iiiiii", "Revoked", 0, 1, 2, "n}1M2P2:Lk+!GpVq-*>5g33V#zkix4crlFvfcU:k", "revoked",
            "[]", nullptr, nullptr}}}},
    };
    int i = 0;
    for (const auto& s : seeds) {
        write("store", std::to_string(i++), s.dump());
    }
}

// The message examples of the peer protocol's specification.
void p2p_seeds() {
    std::ifstream in(ROCD_P2P_DOC);
    std::string line, block;
    bool inside = false;
    int i = 0;
    while (std::getline(in, line)) {
        if (!inside && line == "```json p2p") {
            inside = true;
            block.clear();
        } else if (inside && line == "```") {
            inside = false;
            write("p2p", std::to_string(i++), block);
        } else if (inside) {
            block += line + "\n";
        }
    }
}

/// TXT records in their wire form (a length byte before each string): the
/// example of docs/p2p.md §16.1, and the same with a wrong fingerprint.
void txt_record_seeds() {
    const std::string pk = "pk=NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv";
    const std::vector<std::vector<std::string>> records = {
        {"txtvers=1", "uid=rx4sse-w0zas1-gf2s1o", "v=1-1", pk, "fp=242b:de83:eeb5:09ad:6a2d:2d94:9982:fb05"},
        {"txtvers=1", "uid=rx4sse-w0zas1-gf2s1o", "v=1-2", pk, "fp=edb9:2dd4:1b02:3a59:b263:c2a7:a640:f128"},
    };
    int i = 0;
    for (const auto& record : records) {
        std::string wire;
        for (const auto& string : record) {
            wire += static_cast<char>(string.size());
            wire += string;
        }
        write("txt_record", std::to_string(i++), wire);
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR\n");
        return 2;
    }
    out_dir = argv[1];
    capture_seeds("rtp.pcap", false);
    capture_seeds("rs8m.pcap", false);
    capture_seeds("rs8m-k10r5.pcap", false);
    capture_seeds("ldpc.pcap", true);
    uri_seeds();
    http_seeds();
    config_seeds();
    store_seeds();
    p2p_seeds();
    txt_record_seeds();
    return 0;
}
