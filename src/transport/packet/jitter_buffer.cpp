#include "transport/packet/jitter_buffer.h"

#include <memory>
#include <type_traits>

namespace rocd::transport {

namespace {

std::size_t pow2_at_least(std::size_t n) {
    std::size_t p = 16;
    while (p < n) {
        p <<= 1;
    }
    return p;
}

// Signed distance b - a on the 16-bit sequence circle.
int seq_diff(std::uint16_t a, std::uint16_t b) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(b - a));
}

} // namespace

static_assert(std::is_trivially_destructible_v<Packet>, "slots are overwritten without destruction");

JitterBuffer::JitterBuffer(std::size_t capacity)
    : capacity_(pow2_at_least(capacity)), slots_(std::allocator<Packet>().allocate(capacity_)),
      present_(capacity_, 0), mask_(capacity_ - 1) {}

JitterBuffer::~JitterBuffer() {
    std::allocator<Packet>().deallocate(slots_, capacity_);
}

void JitterBuffer::clear() {
    std::fill(present_.begin(), present_.end(), 0);
    count_ = 0;
    has_newest_ = false;
    consumed_ = false;
}

JitterBuffer::Insert JitterBuffer::insert(const Packet& packet) {
    const std::uint16_t seq = packet.rtp.seqnum;
    if (!has_newest_) {
        base_ = seq;
        highest_ = seq;
    }
    int d = seq_diff(base_, seq);
    if (d < 0) {
        // Before anything was consumed, an early reordered packet just
        // lowers the base, as long as the window still holds everything.
        if (consumed_ || seq_diff(seq, highest_) >= static_cast<int>(capacity_)) {
            return Insert::late;
        }
        base_ = seq;
        d = 0;
    }
    if (seq_diff(base_, seq) >= static_cast<int>(capacity_)) {
        return Insert::overflow;
    }
    const std::size_t i = index(seq);
    if (present_[i] != 0) {
        return Insert::duplicate;
    }
    std::construct_at(&slots_[i], packet);
    present_[i] = 1;
    ++count_;
    if (!has_newest_ || seq_diff(highest_, seq) >= 0) {
        highest_ = seq;
        newest_end_ = packet.rtp.timestamp + packet.rtp.duration;
        has_newest_ = true;
    }
    return Insert::ok;
}

const Packet* JitterBuffer::head() const {
    if (count_ == 0) {
        return nullptr;
    }
    for (std::uint16_t s = base_;; ++s) {
        if (present_[index(s)] != 0) {
            return &slots_[index(s)];
        }
        if (s == highest_) {
            return nullptr;
        }
    }
}

void JitterBuffer::pop() {
    const Packet* h = head();
    if (h == nullptr) {
        return;
    }
    const std::uint16_t seq = h->rtp.seqnum;
    present_[index(seq)] = 0;
    --count_;
    base_ = static_cast<std::uint16_t>(seq + 1);
    consumed_ = true;
}

} // namespace rocd::transport
