#include "logcodes/read_ahead.hpp"

#include <cstring>

namespace logcodes {

ReadAheadSource::ReadAheadSource(std::unique_ptr<Source> inner, std::size_t block, std::size_t depth)
    : inner_(std::move(inner)), block_(block), slots_(depth < 2 ? 2 : depth) {
    for (Slot& s : slots_) s.data = std::make_unique<char[]>(block_);
    raw_.store(inner_->raw_position(), std::memory_order_relaxed);
    thread_ = std::thread([this] { produce(); });
}

ReadAheadSource::~ReadAheadSource() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    room_.notify_all();
    thread_.join();
}

void ReadAheadSource::produce() noexcept {
    for (;;) {
        std::size_t slot;
        {
            std::unique_lock<std::mutex> lock(mu_);
            room_.wait(lock, [&] { return stop_ || filled_ < slots_.size(); });
            if (stop_) return;
            slot = tail_;
        }
        // The slot at tail_ is the producer's until it is published below.
        Slot& s = slots_[slot];
        std::size_t n = 0;
        Error failed;  // nothing may escape this thread: what the source threw ends the input as an error
        try {
            n = inner_->read(s.data.get(), block_);
        } catch (const std::bad_alloc&) {
            failed = Error{ErrorKind::io, {}, inner_->raw_position(), "out of memory while decoding"};
        } catch (const std::exception& e) {
            failed = Error{ErrorKind::io, {}, inner_->raw_position(), std::string("read failed: ") + e.what()};
        } catch (...) {
            failed = Error{ErrorKind::io, {}, inner_->raw_position(), "read failed"};
        }
        raw_.store(inner_->raw_position(), std::memory_order_relaxed);
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (failed) {
                thrown_ = std::move(failed);
                n = 0;
            }
            if (n == 0) {
                ended_ = true;
            } else {
                s.len = n;
                s.pos = 0;
                tail_ = (tail_ + 1) % slots_.size();
                ++filled_;
            }
        }
        ready_.notify_one();
        if (n == 0) return;
    }
}

std::size_t ReadAheadSource::read(char* dst, std::size_t cap) {
    std::size_t slot;
    {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [&] { return filled_ > 0 || ended_; });
        if (filled_ == 0) {
            error_ = thrown_ ? thrown_ : inner_->error();  // the producer has finished with inner_
            return 0;
        }
        slot = head_;
    }
    // The slot at head_ is the consumer's while it is filled.
    Slot& s = slots_[slot];
    const std::size_t n = cap < s.len - s.pos ? cap : s.len - s.pos;
    std::memcpy(dst, s.data.get() + s.pos, n);
    s.pos += n;
    if (s.pos == s.len) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            head_ = (head_ + 1) % slots_.size();
            --filled_;
        }
        room_.notify_one();
    }
    return n;
}

std::uint64_t ReadAheadSource::packets() const noexcept {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_ ? inner_->packets() : 0;
}

std::uint64_t ReadAheadSource::skipped_packets() const noexcept {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_ ? inner_->skipped_packets() : 0;
}

std::uint64_t ReadAheadSource::evictions() const noexcept {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_ ? inner_->evictions() : 0;
}

}  // namespace logcodes
