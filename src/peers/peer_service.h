// Peers: this daemon and the rocd instances it knows (docs/p2p.md §9).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/listener_list.h"
#include "core/peer.h"
#include "core/uri.h"
#include "p2p/hello.h"
#include "p2p/identity.h"
#include "peers/stored_keys.h"
#include "store/peer_repository.h"

namespace rocd::peers {

class PeerNetwork;

/// Owns the rules for peers; the API layer only translates to and from JSON.
/// Trusted and revoked peers are stored; peers known only from
/// unauthenticated contact (a hello, a dialed address) are `discovered`
/// and kept in memory, at most max_discovered (§9.4).
class PeerService {
public:
    /// `self_key`: this daemon's peer-protocol key, shown on its own peer.
    PeerService(store::PeerRepository& repository, Uid self_uid, PeerKey self_key);

    /// `added`: a peer first listed (discovered); `removed`: one no longer
    /// listed (a discovered peer that made room for newer ones, §9.4);
    /// anything else (trust, state, name, what its hello said) is `updated`.
    enum class Change { added, updated, removed };
    /// Called after every change of a peer: committed for stored ones, made
    /// in memory for discovered ones (the daemon publishes it as an event).
    using Listeners = ListenerList<Change, Peer>;
    Listeners::Id add_listener(Listeners::Listener listener) { return listeners_.add(std::move(listener)); }
    void remove_listener(Listeners::Id id) { listeners_.remove(id); }

    const Uid& self_uid() const { return self_uid_; }

    /// `self` or a known uid; Errc::not_found otherwise.
    Result<Peer> get(const PeerRef& peer);

    /// Every known peer, this daemon first.
    Result<std::vector<Peer>> list();

    /// Renames a peer (committed when it returns); the name is checked by
    /// core/display_name.h.
    Result<Peer> rename(const PeerRef& peer, const std::string& display_name);

    // --- The peer protocol (src/daemon/ wires these to a PeerNetwork) ---

    /// Starts using `network` (nullptr: the peer protocol is off);
    /// `addresses` are where it listens, shown on this daemon's peer.
    /// Dials every stored trusted peer at its latest address.
    void attach(PeerNetwork* network, std::vector<std::string> addresses);
    /// The trust of a key; nullopt for a key never seen (or forgotten).
    std::optional<PeerTrust> trust_of(const p2p::RawKey& key);
    /// A hello from `key`, answered by the ROUTER; `address` is the IP
    /// address of the connection, and the peer listens on the hello's port.
    void on_hello(const p2p::RawKey& key, const p2p::Hello& hello, const std::string& address);
    /// The link this daemon dialed to `key` changed state.
    void on_link_state(const p2p::RawKey& key, PeerState state);
    /// Dials `address` ("host:port") as the peer of `public_key` (Z85): a
    /// static peer (docs/p2p.md §16.2). It is listed once it answers.
    Status add_static(const std::string& address, const std::string& public_key);

    /// While a pairing with `uid` is open, its trust shows `pairing`
    /// (and its key may connect even if revoked: §9.1).
    void set_pairing(const Uid& uid, bool open);
    /// A known remote peer with a key becomes trusted: stored, with what is
    /// known of it (pairing confirmed, §10).
    Result<Peer> trust(const Uid& uid);
    /// The known peer of `key` becomes trusted with no person involved (a
    /// fleet proof, §11; trust on first use): never a revoked key or uid,
    /// nor a uid bound to another key (Errc::conflict), nor a key no peer
    /// has (Errc::not_found). `why` goes to the log.
    Result<Peer> trust_without_pairing(const p2p::RawKey& key, const std::string& why);
    /// Trusts every new key at its first hello (labs only: anyone who can
    /// reach the peer port is then trusted).
    void set_trust_on_first_use(bool on) { trust_on_first_use_ = on; }
    /// A remote peer becomes revoked (stored; its key may no longer
    /// connect); this daemon stops dialing it. Errc::invalid_argument for
    /// this daemon, Errc::not_found for an unknown uid.
    Result<Peer> revoke(const PeerRef& peer);
    /// The key of a known remote peer.
    std::optional<p2p::RawKey> key_of(const Uid& uid);
    /// The known peer of a key.
    std::optional<Uid> peer_of(const p2p::RawKey& key) { return uid_of(p2p::z85_of(key)); }

    static constexpr std::size_t max_discovered = 256;

private:
    const Uid& resolve(const PeerRef& peer) const { return peer.is_self() ? self_uid_ : peer.uid(); }
    /// What the store cannot know: keys' fingerprints, this daemon's key
    /// and addresses, and every remote peer's live state.
    Peer complete(Peer peer) const;
    /// What a hello says of a peer reached at `address` (host:port).
    void learn(const p2p::RawKey& key, const p2p::Hello& hello, const std::string& address);
    std::optional<Uid> uid_of(const std::string& public_key);
    /// Keeps a discovered peer; true if it was not listed before.
    bool discovered(Peer peer);
    /// Stores a known peer with a key as trusted or revoked.
    Result<store::PeerRecord> store_as(const Peer& peer, PeerTrust trust);
    void warn_once(const std::string& public_key, const std::string& message);

    store::PeerRepository& repository_;
    StoredKeys stored_keys_;
    Uid self_uid_;
    PeerKey self_key_;
    std::vector<std::string> self_addresses_;
    PeerNetwork* network_ = nullptr;
    Listeners listeners_;
    std::map<Uid, Peer> discovered_;
    std::deque<Uid> discovered_order_;
    std::map<Uid, PeerState> states_;
    /// The rocd version each remote peer's latest hello said.
    std::map<Uid, std::string> versions_;
    /// The display name each trusted peer's latest hello said: a new one
    /// replaces the stored name (and a local rename, until it changes again).
    std::map<Uid, std::string> announced_;
    std::set<Uid> pairing_;
    bool trust_on_first_use_ = false;
    /// Stored peers whose uid answered with another key since they were
    /// last online with theirs: key_mismatch once they are not (§9.3).
    std::set<Uid> mismatched_;
    /// Keys already warned about (bounded like the rest).
    std::set<std::string> warned_;
};

} // namespace rocd::peers
