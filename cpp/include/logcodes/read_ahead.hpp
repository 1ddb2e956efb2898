// A source read ahead on its own thread: while the scanning thread parses one block, another thread
// decodes the next ones. Compressed inputs decode at about a third of the parsing speed, so with a
// spare core the scan runs at the decoder's own speed instead of the sum of both costs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "logcodes/source.hpp"

namespace logcodes {

class ReadAheadSource final : public Source {
public:
    // Reads `inner` in blocks of `block` bytes, keeping up to `depth` decoded blocks ready.
    ReadAheadSource(std::unique_ptr<Source> inner, std::size_t block, std::size_t depth = 4);
    ~ReadAheadSource() override;
    ReadAheadSource(const ReadAheadSource&) = delete;
    ReadAheadSource& operator=(const ReadAheadSource&) = delete;

    std::size_t read(char* dst, std::size_t cap) override;
    std::uint64_t raw_position() const noexcept override { return raw_.load(std::memory_order_relaxed); }
    // Valid once read() has returned 0 (the reading thread has finished with the inner source).
    std::uint64_t packets() const noexcept override;
    std::uint64_t skipped_packets() const noexcept override;
    std::uint64_t evictions() const noexcept override;

private:
    struct Slot {
        std::unique_ptr<char[]> data;
        std::size_t len = 0;   // bytes in data
        std::size_t pos = 0;   // bytes already handed out (consumer side)
    };
    void produce() noexcept;

    std::unique_ptr<Source> inner_;
    std::size_t block_;
    std::vector<Slot> slots_;          // a ring: the producer fills at tail_, the consumer drains at head_
    std::size_t head_ = 0, tail_ = 0, filled_ = 0;
    bool ended_ = false;               // the producer met the end (or an error) of the inner source
    bool stop_ = false;                // the consumer is gone: the producer stops
    Error thrown_;                     // what the inner source threw (out of memory ...): an error, not the end
    std::atomic<std::uint64_t> raw_{0};
    mutable std::mutex mu_;
    std::condition_variable ready_, room_;
    std::thread thread_;
};

}  // namespace logcodes
