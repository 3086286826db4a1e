#include "discovery/dns_sd.h"

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/thread-watch.h>
#include <avahi-common/timeval.h>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "discovery/instance_name.h"

namespace rocd::discovery {

namespace {

/// How long to wait before asking for a system bus again.
constexpr unsigned retry_ms = 5000;
/// Resolutions in flight at once: a LAN announcing thousands of services
/// must not make rocd open thousands of resolvers.
constexpr std::size_t max_resolving = 32;
/// Alternative names tried at once before giving up until the next change.
constexpr int max_renames = 16;

} // namespace

// Everything here but the constructor and destructor runs on Avahi's thread.
struct DnsSd::Avahi {
    boost::asio::io_context& io;
    Self self;
    std::string name;
    /// Shared with the handlers posted to `io`: they run only while it lives.
    std::shared_ptr<OnFound> on_found;
    AvahiThreadedPoll* poll = nullptr;
    AvahiTimeout* retry = nullptr;
    AvahiClient* client = nullptr;
    AvahiEntryGroup* group = nullptr;
    AvahiServiceBrowser* browser = nullptr;
    std::size_t resolving = 0;
    /// Said once per outage that no avahi-daemon is reachable.
    bool said_unreachable = false;

    Avahi(boost::asio::io_context& io, Self self, OnFound found)
        : io(io), self(std::move(self)), name(instance_name(this->self.display_name)),
          on_found(std::make_shared<OnFound>(std::move(found))) {}

    // Stops Avahi's thread first: after that nothing else calls into Avahi.
    ~Avahi() {
        if (poll == nullptr) {
            return;
        }
        avahi_threaded_poll_stop(poll);
        drop_client();
        if (retry != nullptr) {
            api()->timeout_free(retry);
        }
        avahi_threaded_poll_free(poll);
    }
    Avahi(const Avahi&) = delete;
    Avahi& operator=(const Avahi&) = delete;

    const AvahiPoll* api() const { return avahi_threaded_poll_get(poll); }

    void retry_in(unsigned ms) {
        timeval when {};
        api()->timeout_update(retry, avahi_elapse_time(&when, ms, 0));
    }

    void unreachable(const char* why) {
        if (!said_unreachable) {
            said_unreachable = true;
            spdlog::warn("discovery: no avahi-daemon reachable ({}); not announced on DNS-SD until one "
                         "starts (static peers still work)",
                         why);
        }
    }

    /// Frees the client and with it the group, the browser and the resolvers.
    void drop_client() {
        if (client != nullptr) {
            avahi_client_free(client);
        }
        client = nullptr;
        group = nullptr;
        browser = nullptr;
        resolving = 0;
    }

    void connect() {
        drop_client();
        int error = 0;
        // NO_FAIL: with a system bus but no avahi-daemon yet, the client
        // waits for one (CONNECTING). Without a bus it fails: retry later.
        AvahiClient* made = avahi_client_new(api(), AVAHI_CLIENT_NO_FAIL, &Avahi::on_client, this, &error);
        if (made == nullptr) {
            client = nullptr;
            group = nullptr;
            browser = nullptr;
            unreachable(avahi_strerror(error));
            retry_in(retry_ms);
            return;
        }
        client = made;
    }

    static void on_retry(AvahiTimeout*, void* self) { static_cast<Avahi*>(self)->connect(); }

    static void on_client(AvahiClient* c, AvahiClientState state, void* self) {
        auto& a = *static_cast<Avahi*>(self);
        a.client = c; // the first call comes from inside avahi_client_new()
        switch (state) {
        case AVAHI_CLIENT_S_RUNNING:
            if (a.said_unreachable) {
                spdlog::info("discovery: avahi-daemon reachable");
            }
            a.said_unreachable = false;
            a.publish();
            a.browse();
            break;
        case AVAHI_CLIENT_S_COLLISION:
        case AVAHI_CLIENT_S_REGISTERING:
            // The host name is being (re)registered: publish again once running.
            if (a.group != nullptr) {
                avahi_entry_group_reset(a.group);
            }
            break;
        case AVAHI_CLIENT_CONNECTING:
            a.unreachable("none on the system bus");
            break;
        case AVAHI_CLIENT_FAILURE: {
            // Not freed here: this may run inside avahi_client_new(). The
            // timeout makes a new client from the poll loop instead.
            const int error = avahi_client_errno(c);
            a.unreachable(avahi_strerror(error));
            a.retry_in(error == AVAHI_ERR_DISCONNECTED ? 0 : retry_ms);
            break;
        }
        }
    }

    void publish() {
        if (group == nullptr) {
            group = avahi_entry_group_new(client, &Avahi::on_group, this);
            if (group == nullptr) {
                spdlog::warn("discovery: cannot publish on DNS-SD: {}",
                             avahi_strerror(avahi_client_errno(client)));
                return;
            }
        }
        if (!avahi_entry_group_is_empty(group)) {
            return;
        }
        AvahiStringList* txt = nullptr;
        // avahi_string_list_add prepends, yet the record goes on the wire in
        // the order of the calls (checked with a query of our own): txtvers
        // leads it, as RFC 6763 §6.7 asks.
        for (const auto& string : txt_record(self.uid, self.public_key, self.versions)) {
            txt = avahi_string_list_add(txt, string.c_str());
        }
        int result = AVAHI_ERR_COLLISION;
        for (int tries = 0; result == AVAHI_ERR_COLLISION && tries < max_renames; ++tries) {
            result = avahi_entry_group_add_service_strlst(group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                                          static_cast<AvahiPublishFlags>(0), name.c_str(),
                                                          service_type, nullptr, nullptr, self.port, txt);
            if (result == AVAHI_ERR_COLLISION) {
                rename();
            }
        }
        avahi_string_list_free(txt);
        if (result >= 0) {
            result = avahi_entry_group_commit(group);
        }
        if (result < 0) {
            spdlog::warn("discovery: cannot publish '{}' on DNS-SD: {}", name, avahi_strerror(result));
        }
    }

    void rename() {
        // The plain name first gives way to the distinct one, which then
        // takes Avahi's alternatives if even that is taken.
        std::string next = distinct_instance_name(self.display_name, self.uid);
        if (name != instance_name(self.display_name)) {
            char* alternative = avahi_alternative_service_name(name.c_str());
            if (alternative == nullptr) {
                return;
            }
            next = alternative;
            avahi_free(alternative);
        }
        spdlog::info("discovery: DNS-SD name '{}' is taken; publishing as '{}'", name, next);
        name = std::move(next);
    }

    static void on_group(AvahiEntryGroup* g, AvahiEntryGroupState state, void* self) {
        auto& a = *static_cast<Avahi*>(self);
        a.group = g; // the first call comes from inside avahi_entry_group_new()
        switch (state) {
        case AVAHI_ENTRY_GROUP_ESTABLISHED:
            spdlog::info("discovery: published on DNS-SD as '{}' ({}, port {})", a.name, service_type,
                         a.self.port);
            break;
        case AVAHI_ENTRY_GROUP_COLLISION:
            a.rename();
            avahi_entry_group_reset(g);
            a.publish();
            break;
        case AVAHI_ENTRY_GROUP_FAILURE:
            spdlog::warn("discovery: DNS-SD publication failed: {}",
                         avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(g))));
            break;
        case AVAHI_ENTRY_GROUP_UNCOMMITED:
        case AVAHI_ENTRY_GROUP_REGISTERING:
            break;
        }
    }

    void browse() {
        if (browser != nullptr) {
            return;
        }
        browser =
            avahi_service_browser_new(client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, service_type, nullptr,
                                      static_cast<AvahiLookupFlags>(0), &Avahi::on_browse, this);
        if (browser == nullptr) {
            spdlog::warn("discovery: cannot browse DNS-SD: {}", avahi_strerror(avahi_client_errno(client)));
        }
    }

    static void on_browse(AvahiServiceBrowser* b, AvahiIfIndex interface, AvahiProtocol protocol,
                          AvahiBrowserEvent event, const char* name, const char* type, const char* domain,
                          AvahiLookupResultFlags, void* self) {
        auto& a = *static_cast<Avahi*>(self);
        if (event == AVAHI_BROWSER_FAILURE) {
            spdlog::warn("discovery: DNS-SD browsing failed: {}",
                         avahi_strerror(avahi_client_errno(avahi_service_browser_get_client(b))));
            return;
        }
        // A removal says nothing about liveness (a killed host stays cached
        // for minutes, a live one can drop off mDNS): links decide (§8).
        if (event != AVAHI_BROWSER_NEW) {
            return;
        }
        if (a.resolving >= max_resolving) {
            spdlog::debug("discovery: not resolving '{}': {} resolutions in flight", name ? name : "",
                          max_resolving);
            return;
        }
        // IPv4 addresses: the ROUTER binds 0.0.0.0 by default, and a
        // link-local IPv6 address would need its interface to be dialed.
        if (avahi_service_resolver_new(a.client, interface, protocol, name, type, domain, AVAHI_PROTO_INET,
                                       static_cast<AvahiLookupFlags>(0), &Avahi::on_resolved,
                                       self) != nullptr) {
            ++a.resolving;
        }
    }

    static void on_resolved(AvahiServiceResolver* r, AvahiIfIndex, AvahiProtocol, AvahiResolverEvent event,
                            const char* name, const char*, const char*, const char*,
                            const AvahiAddress* address, uint16_t port, AvahiStringList* txt,
                            AvahiLookupResultFlags, void* self) {
        auto& a = *static_cast<Avahi*>(self);
        if (event == AVAHI_RESOLVER_FOUND && address != nullptr && name != nullptr) {
            a.found(name, *address, port, txt);
        }
        avahi_service_resolver_free(r);
        --a.resolving;
    }

    void found(const char* service, const AvahiAddress& address, std::uint16_t port, AvahiStringList* txt) {
        std::vector<std::string> strings;
        for (AvahiStringList* s = txt; s != nullptr; s = avahi_string_list_get_next(s)) {
            strings.emplace_back(reinterpret_cast<const char*>(avahi_string_list_get_text(s)),
                                 avahi_string_list_get_size(s));
        }
        // In the wire's order, so the first occurrence of a key is the one
        // that counts (RFC 6763 §6.4).
        auto announced = parse_txt_record(strings);
        if (!announced) {
            spdlog::debug("discovery: ignoring DNS-SD service '{}': {}", service, announced.error().message);
            return;
        }
        if (announced->uid == self.uid || port == 0) {
            return; // this daemon (§16.1), or nowhere to dial
        }
        char host[AVAHI_ADDRESS_STR_MAX] = {};
        avahi_address_snprint(host, sizeof(host), &address);
        Found peer {*announced, std::string(host) + ":" + std::to_string(port)};
        boost::asio::post(io, [found = std::weak_ptr<OnFound>(on_found), peer = std::move(peer)] {
            if (auto call = found.lock()) {
                (*call)(peer);
            }
        });
    }
};

std::unique_ptr<DnsSd> DnsSd::start(boost::asio::io_context& io, Self self, OnFound on_found) {
    auto avahi = std::make_unique<Avahi>(io, std::move(self), std::move(on_found));
    avahi->poll = avahi_threaded_poll_new();
    if (avahi->poll == nullptr) {
        spdlog::warn("discovery: cannot start Avahi's thread; DNS-SD is off");
        return nullptr;
    }
    // The first client is made on Avahi's thread too: avahi_client_new()
    // itself makes blocking D-Bus calls.
    timeval now {};
    avahi->retry =
        avahi->api()->timeout_new(avahi->api(), avahi_elapse_time(&now, 0, 0), &Avahi::on_retry, avahi.get());
    if (avahi->retry == nullptr || avahi_threaded_poll_start(avahi->poll) < 0) {
        spdlog::warn("discovery: cannot start Avahi's thread; DNS-SD is off");
        return nullptr; // the destructor frees what was made
    }
    return std::unique_ptr<DnsSd>(new DnsSd(std::move(avahi)));
}

DnsSd::DnsSd(std::unique_ptr<Avahi> avahi) : avahi_(std::move(avahi)) {}

DnsSd::~DnsSd() = default;

} // namespace rocd::discovery
