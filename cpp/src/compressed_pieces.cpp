#include "logcodes/compressed_pieces.hpp"

#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace logcodes {

std::size_t zstd_whole_frames(const unsigned char* data, std::size_t size, std::size_t want) noexcept {
    std::size_t pos = 0;
    while (pos < size && pos < want) {
        const std::size_t n = ZSTD_findFrameCompressedSize(data + pos, size - pos);
        if (ZSTD_isError(n) || n == 0) break;
        pos += n;
    }
    return pos;
}

bool plausible_gzip_member(const unsigned char* b, std::size_t size) noexcept {
    // RFC 1952 2.3: ID1 ID2 CM FLG MTIME(4) XFL OS. XFL is 0, 2 or 4 for deflate; OS is 0..13 or 255.
    if (size < 10 || b[0] != 0x1f || b[1] != 0x8b || b[2] != 8 || (b[3] & 0xe0) != 0) return false;
    if (b[8] != 0 && b[8] != 2 && b[8] != 4) return false;
    return b[9] <= 13 || b[9] == 255;
}

std::size_t bgzf_member_size(const unsigned char* b, std::size_t size) noexcept {
    // SAM/BAM specification 4.1: FEXTRA with a subfield 'B' 'C' of length 2 holding the member size - 1.
    if (!plausible_gzip_member(b, size) || !(b[3] & 4) || size < 12) return 0;
    const std::size_t xlen = b[10] | (static_cast<std::size_t>(b[11]) << 8);
    if (size < 12 + xlen) return 0;
    for (std::size_t p = 12; p + 4 <= 12 + xlen;) {
        const std::size_t slen = b[p + 2] | (static_cast<std::size_t>(b[p + 3]) << 8);
        if (b[p] == 'B' && b[p + 1] == 'C' && slen == 2 && p + 6 <= 12 + xlen)
            return (b[p + 4] | (static_cast<std::size_t>(b[p + 5]) << 8)) + 1;
        p += 4 + slen;
    }
    return 0;
}

namespace {

// The smallest gzip member: a 10-byte header, an empty final block (2 bytes), the 8-byte trailer.
constexpr std::size_t kMinMember = 20;

std::size_t next_plausible(const unsigned char* data, std::size_t size, std::size_t from) noexcept {
    while (from < size) {
        const void* hit = std::memchr(data + from, 0x1f, size - from);
        if (!hit) return size;
        const std::size_t at = static_cast<std::size_t>(static_cast<const unsigned char*>(hit) - data);
        if (plausible_gzip_member(data + at, size - at)) return at;
        from = at + 1;
    }
    return size;
}

}  // namespace

std::size_t gzip_piece_end(const unsigned char* data, std::size_t size, std::size_t want) noexcept {
    std::size_t pos = 0, last = 0;
    while (pos < want) {
        std::size_t next = size;
        const std::size_t bgzf = bgzf_member_size(data + pos, size - pos);
        if (bgzf >= kMinMember && pos + bgzf < size && plausible_gzip_member(data + pos + bgzf, size - pos - bgzf))
            next = pos + bgzf;
        else
            next = next_plausible(data, size, pos + kMinMember);
        if (next >= size) break;
        last = pos = next;
    }
    return last;
}

namespace {

constexpr std::size_t kMaxWindow = 32u << 20;  // a member or frame larger than this ends the cutting

// Finds the pieces of one file in order, reading its compressed bytes with pread() a window at a time.
class Planner {
public:
    Planner(int fd, Compression c, std::uint64_t target) : fd_(fd), c_(c), target_(std::max<std::uint64_t>(target, 1)) {}

    // The next piece [begin, end); end is UINT64_MAX for the last one (to the end of the file, decoded by one
    // decoder whatever it holds). False when there is none left.
    bool next(std::uint64_t& begin, std::uint64_t& end) {
        if (done_) return false;
        begin = pos_;
        // Room for two pieces as large as the last one: one pread per piece, most of it kept for the next.
        std::size_t want = static_cast<std::size_t>(
            std::min<std::uint64_t>(std::max<std::uint64_t>(2 * target_, 2 * last_) + kMinMember, kMaxWindow));
        want = std::max<std::size_t>(want, 64);
        for (;;) {
            const std::size_t got = fill(want);
            const bool at_eof = got < want;
            if (got == 0) {
                done_ = true;
                return false;
            }
            const std::size_t cut = c_ == Compression::zstd ? zstd_whole_frames(window_.data(), got, target_)
                                                            : gzip_piece_end(window_.data(), got, target_);
            if (c_ == Compression::zstd && cut == got && at_eof) {  // whole frames up to the end
                end = pos_ + cut;
                done_ = true;
                return true;
            }
            if (cut > 0 && (cut >= target_ || at_eof || want >= kMaxWindow)) {
                end = pos_ + cut;
                // The bytes after the cut start the next piece's window.
                std::memmove(window_.data(), window_.data() + cut, got - cut);
                have_ = got - cut;
                pos_ = end;
                last_ = cut;
                return true;
            }
            if (at_eof || want >= kMaxWindow) {  // nothing to cut at: the rest is one piece
                end = UINT64_MAX;
                done_ = true;
                return true;
            }
            want = std::min(want * 4, kMaxWindow);
        }
    }

private:
    // Makes the window hold up to `want` bytes from pos_ (keeping those it has); returns how many it holds
    // (fewer at the end of the file).
    std::size_t fill(std::size_t want) {
        if (have_ >= want) return have_;
        if (window_.size() < want) window_.resize(want);
        while (have_ < want) {
            const ssize_t n = ::pread(fd_, window_.data() + have_, want - have_, static_cast<off_t>(pos_ + have_));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // an error is met again, and reported, by the decoder of the last piece
            have_ += static_cast<std::size_t>(n);
        }
        return have_;
    }

    int fd_;
    Compression c_;
    std::uint64_t target_;
    std::uint64_t pos_ = 0;       // where the next piece starts; window_ holds the file from here
    std::size_t have_ = 0;        // bytes of window_ read
    std::uint64_t last_ = 0;      // the last piece's size
    bool done_ = false;
    std::vector<unsigned char> window_;
};

class ParallelDecodeSource final : public Source {
public:
    ParallelDecodeSource(OpenFile file, const InputInfo& info, const ParallelDecoding& d)
        : file_(std::move(file)), path_(info.path), c_(info.compression), block_(std::max<std::size_t>(d.block, 4096)),
          planner_(file_.fd(), info.compression, d.piece),
          max_pieces_(std::max(d.threads, 1u) + 2),
          piece_cap_(std::max<std::size_t>(16u << 20, 4 * block_)) {
        for (unsigned i = 0; i < std::max(d.threads, 1u); ++i) workers_.emplace_back([this] { work(); });
    }
    ~ParallelDecodeSource() override { stop_workers(); }
    ParallelDecodeSource(const ParallelDecodeSource&) = delete;
    ParallelDecodeSource& operator=(const ParallelDecodeSource&) = delete;

    std::size_t read(char* dst, std::size_t cap) override {
        if (fallback_) return read_fallback(dst, cap);
        std::unique_lock lock(mu_);
        for (;;) {
            ready_.wait(lock, [&] {
                return pieces_.empty() ? planned_all_ : !pieces_.front()->out.empty() || pieces_.front()->done;
            });
            if (pieces_.empty()) return 0;
            Piece& p = *pieces_.front();
            if (!p.out.empty()) {
                // The front chunk is the reader's alone (workers only append): copy it without the lock.
                Chunk& ch = p.out.front();
                lock.unlock();
                if (ch.pos == 0) raw_.store(std::max(raw_.load(std::memory_order_relaxed), ch.raw), std::memory_order_relaxed);
                const std::size_t n = std::min(cap, ch.len - ch.pos);
                std::memcpy(dst, ch.data.get() + ch.pos, n);
                ch.pos += n;
                handed_ += n;
                if (ch.pos == ch.len) {
                    lock.lock();
                    p.buffered -= ch.len;
                    pool_.push_back(std::move(ch.data));
                    p.out.pop_front();
                    room_.notify_all();
                }
                return n;
            }
            if (p.error) {
                if (p.error.kind == ErrorKind::truncated && p.end != UINT64_MAX) {
                    // The member went on past the piece's end: that end was no member start. One decoder
                    // reads on from this piece's start (a sure one), past the bytes already handed over.
                    const std::uint64_t begin = p.begin, skip = p.decoded;
                    lock.unlock();
                    start_fallback(begin, skip);
                    return read_fallback(dst, cap);
                }
                error_ = p.error;
                if (error_.kind == ErrorKind::truncated) error_.message = truncation_message(c_, handed_);
                return 0;
            }
            raw_.store(std::max(raw_.load(std::memory_order_relaxed), p.raw_end), std::memory_order_relaxed);
            pieces_.pop_front();
            room_.notify_all();
        }
    }

    std::uint64_t raw_position() const noexcept override {
        if (fallback_) return fallback_->raw_position();
        return raw_.load(std::memory_order_relaxed);
    }

private:
    struct Chunk {
        std::unique_ptr<char[]> data;
        std::size_t len = 0, pos = 0;
        std::uint64_t raw = 0;  // compressed bytes its decoder had read when it was full: progress
    };
    struct Piece {
        std::uint64_t begin = 0, end = UINT64_MAX;
        std::deque<Chunk> out;        // decoded, not yet handed over
        std::size_t buffered = 0;     // bytes in out
        std::uint64_t decoded = 0;    // bytes the piece's decoder produced
        std::uint64_t raw_end = 0;    // where its decoder stopped reading
        bool done = false;
        Error error;
    };

    void work() noexcept {
        std::unique_ptr<Source> dec;  // this thread's decoder, restarted for each piece
        for (;;) {
            Piece* p = nullptr;
            {
                std::lock_guard plan(plan_mu_);
                {
                    std::unique_lock lock(mu_);
                    room_.wait(lock, [&] { return stop_ || pieces_.size() < max_pieces_; });
                    if (stop_ || planned_all_) return;
                }
                std::uint64_t begin = 0, end = 0;
                bool more = false;
                try {
                    more = planner_.next(begin, end);
                } catch (...) {  // out of memory for the window: the rest is one piece
                    more = true;
                    end = UINT64_MAX;
                }
                std::lock_guard lock(mu_);
                if (!more) {
                    planned_all_ = true;
                    ready_.notify_all();
                    return;
                }
                try {
                    pieces_.push_back(std::make_unique<Piece>());
                } catch (...) {
                    planned_all_ = true;
                    ready_.notify_all();
                    return;
                }
                p = pieces_.back().get();
                p->begin = begin;
                p->end = end;
                if (end == UINT64_MAX) planned_all_ = true;
            }
            decode(*p, dec);
        }
    }

    // Decodes one piece into its queue, waiting while the queue is full (the reader has not come to it).
    void decode(Piece& p, std::unique_ptr<Source>& dec) noexcept {
        Error failed;
        try {
            std::unique_ptr<Source> raw = open_file_range(file_, path_, p.begin, p.end);
            if (!dec || !dec->restart(raw)) dec = open_decoder(c_, std::move(raw), path_);
            for (;;) {
                std::unique_ptr<char[]> buf = take_buffer();
                const std::size_t n = dec->read(buf.get(), block_);
                const std::uint64_t read_to = dec->raw_position();
                std::unique_lock lock(mu_);
                if (n == 0) {
                    pool_.push_back(std::move(buf));
                    break;
                }
                p.out.push_back(Chunk{std::move(buf), n, 0, read_to});
                p.buffered += n;
                p.decoded += n;
                ready_.notify_all();
                room_.wait(lock, [&] { return stop_ || p.buffered < piece_cap_; });
                if (stop_) break;
            }
        } catch (const std::bad_alloc&) {
            failed = Error{ErrorKind::io, path_, dec ? dec->raw_position() : p.begin, "out of memory while decoding"};
        } catch (const std::exception& e) {
            failed = Error{ErrorKind::io, path_, dec ? dec->raw_position() : p.begin, std::string("read failed: ") + e.what()};
        } catch (...) {
            failed = Error{ErrorKind::io, path_, p.begin, "read failed"};
        }
        std::lock_guard lock(mu_);
        p.error = failed ? failed : dec ? dec->error() : Error{};
        p.raw_end = dec ? dec->raw_position() : p.begin;
        p.done = true;
        ready_.notify_all();
        if (failed) dec.reset();  // its state is unknown: the next piece makes a new one
    }

    std::unique_ptr<char[]> take_buffer() {
        {
            std::lock_guard lock(mu_);
            if (!pool_.empty()) {
                auto b = std::move(pool_.back());
                pool_.pop_back();
                return b;
            }
        }
        return std::make_unique<char[]>(block_);
    }

    void stop_workers() noexcept {
        {
            std::lock_guard lock(mu_);
            stop_ = true;
        }
        room_.notify_all();
        ready_.notify_all();
        for (auto& t : workers_)
            if (t.joinable()) t.join();
    }

    void start_fallback(std::uint64_t begin, std::uint64_t skip) {
        stop_workers();
        pieces_.clear();
        fallback_base_ = handed_ - skip;
        fallback_ = open_decoder(c_, open_file_range(file_, path_, begin, UINT64_MAX), path_);
        std::vector<char> scratch(std::min<std::uint64_t>(skip, block_) + 1);
        while (skip > 0) {
            const std::size_t n = fallback_->read(scratch.data(), static_cast<std::size_t>(std::min<std::uint64_t>(skip, scratch.size())));
            if (n == 0) break;
            fallback_read_ += n;
            skip -= n;
        }
    }

    std::size_t read_fallback(char* dst, std::size_t cap) {
        if (error_) return 0;
        const std::size_t n = fallback_->read(dst, cap);
        fallback_read_ += n;
        if (n == 0 && fallback_->error()) {
            error_ = fallback_->error();
            if (error_.kind == ErrorKind::truncated) error_.message = truncation_message(c_, fallback_base_ + fallback_read_);
        }
        return n;
    }

    OpenFile file_;
    std::string path_;
    Compression c_;
    std::size_t block_;
    Planner planner_;               // used by one worker at a time (plan_mu_)
    std::size_t max_pieces_;        // pieces planned and not yet handed over: bounds memory
    std::size_t piece_cap_;         // decoded bytes a piece may hold before the reader comes to it

    std::mutex plan_mu_;
    std::mutex mu_;
    std::condition_variable ready_, room_;
    std::deque<std::unique_ptr<Piece>> pieces_;  // in file order; the front one is being handed over
    std::vector<std::unique_ptr<char[]>> pool_;
    bool planned_all_ = false;
    bool stop_ = false;
    std::uint64_t handed_ = 0;      // decoded bytes handed over
    std::atomic<std::uint64_t> raw_{0};
    std::vector<std::thread> workers_;

    std::unique_ptr<Source> fallback_;  // one decoder after a false member start
    std::uint64_t fallback_base_ = 0, fallback_read_ = 0;
};

}  // namespace

std::unique_ptr<Source> open_parallel_decoder(const InputInfo& info, const ParallelDecoding& decoding, Error& err) {
    OpenFile file = open_file(info.path, err);
    if (!file.is_open()) return nullptr;
    return std::make_unique<ParallelDecodeSource>(std::move(file), info, decoding);
}

}  // namespace logcodes
