// DNS-SD through Avahi (docs/p2p.md §16.1): publishes this daemon's
// `_rocd._tcp` service and reports the services of other daemons.
//
// avahi-client makes blocking D-Bus calls, and the control thread never
// waits, so Avahi runs on a thread of its own (an AvahiThreadedPoll): every
// Avahi call and callback happens there, and what it finds is posted to
// the control plane's io_context. The control thread touches Avahi only
// before that thread starts and after it stopped, so no lock is shared.
// Without a reachable avahi-daemon this says so once and keeps trying.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "core/uid.h"
#include "discovery/txt_record.h"
#include "p2p/hello.h"
#include "p2p/identity.h"

namespace rocd::discovery {

class DnsSd {
public:
    /// What this daemon publishes.
    struct Self {
        Uid uid;
        p2p::RawKey public_key {};
        p2p::VersionRange versions;
        /// The instance name; taken at start: a later rename is not
        /// re-published (the hello carries the current name, §6.1).
        std::string display_name;
        /// The ROUTER's bound port: the SRV record's.
        std::uint16_t port = 0;
    };
    /// Another daemon's service, resolved and checked (never this daemon's).
    struct Found {
        Announcement announcement;
        /// "host:port" of its ROUTER (IPv4: p2p_listen binds 0.0.0.0 by default).
        std::string address;
    };
    using OnFound = std::function<void(const Found&)>;

    /// Starts publishing and browsing on Avahi's thread; `on_found` runs on
    /// `io`. nullptr (and a warning) if the thread cannot be made.
    static std::unique_ptr<DnsSd> start(boost::asio::io_context& io, Self self, OnFound on_found);
    /// Stops Avahi's thread, then withdraws the service (freeing the client
    /// closes its D-Bus connection, and avahi-daemon drops its services).
    ~DnsSd();

    DnsSd(const DnsSd&) = delete;
    DnsSd& operator=(const DnsSd&) = delete;

    /// The service type rocd publishes and browses.
    static constexpr const char* service_type = "_rocd._tcp";

private:
    struct Avahi;
    explicit DnsSd(std::unique_ptr<Avahi> avahi);

    std::unique_ptr<Avahi> avahi_;
};

} // namespace rocd::discovery
