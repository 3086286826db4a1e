// Incoming packets of one session, sorted by sequence number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "transport/packet/packet.h"

namespace rocd::transport {

/// A ring indexed by RTP sequence number: reordering costs nothing,
/// duplicates and packets older than what was already consumed are
/// refused. All storage is allocated at construction, and left
/// unconstructed until a packet goes there: a slot's memory is resident
/// only once used (a session slot that never plays, or room for a long
/// latency that a short one does not fill, costs address space only).
class JitterBuffer {
public:
    enum class Insert { ok, duplicate, late, overflow };

    /// capacity: packets held at most (rounded up to a power of two).
    explicit JitterBuffer(std::size_t capacity);
    ~JitterBuffer();
    JitterBuffer(const JitterBuffer&) = delete;
    JitterBuffer& operator=(const JitterBuffer&) = delete;

    Insert insert(const Packet& packet);

    /// Oldest packet held, or null. Missing packets before it are not
    /// skipped: they may still arrive until pop() passes them.
    const Packet* head() const;
    /// Removes the head; everything up to its seq is now consumed.
    void pop();

    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    /// RTP timestamp just past the newest packet (highest seq) ever inserted.
    std::uint32_t newest_end() const { return newest_end_; }
    bool has_newest() const { return has_newest_; }

    void clear();

private:
    std::size_t index(std::uint16_t seq) const { return seq & mask_; }

    std::size_t capacity_;
    Packet* slots_; // capacity_ of them; slot i is constructed once present_[i] was set
    std::vector<std::uint8_t> present_;
    std::size_t mask_;
    std::size_t count_ = 0;
    std::uint16_t base_ = 0;    // lowest seq that may still be inserted
    std::uint16_t highest_ = 0; // highest seq inserted
    bool has_newest_ = false;
    bool consumed_ = false; // pop() happened: base_ is final
    std::uint32_t newest_end_ = 0;
};

} // namespace rocd::transport
