#include "logcodes/read_ahead.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace {

using logcodes::ErrorKind;
using logcodes::ReadAheadSource;
using logcodes::Source;

// Hands out `data` in pieces of at most `piece` bytes, then optionally fails like a truncated input.
class PieceSource final : public Source {
public:
    PieceSource(std::string data, std::size_t piece, bool fail_at_end)
        : data_(std::move(data)), piece_(piece), fail_(fail_at_end) {}
    std::size_t read(char* dst, std::size_t cap) override {
        const std::size_t n = std::min({cap, piece_, data_.size() - pos_});
        std::memcpy(dst, data_.data() + pos_, n);
        pos_ += n;
        if (n == 0 && fail_) {
            error_.kind = ErrorKind::truncated;
            error_.message = "unexpected end";
        }
        return n;
    }
    std::uint64_t raw_position() const noexcept override { return pos_; }

private:
    std::string data_;
    std::size_t piece_;
    std::size_t pos_ = 0;
    bool fail_;
};

std::string numbers(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += std::to_string(i) + "\n";
    return s;
}

std::string drain(Source& s, std::size_t cap) {
    std::string out, buf(cap, '\0');
    for (;;) {
        const std::size_t n = s.read(buf.data(), cap);
        if (n == 0) return out;
        out.append(buf.data(), n);
    }
}

TEST(ReadAhead, SameBytesWhateverTheBlockPieceAndReadSizes) {
    const std::string data = numbers(3000);
    for (std::size_t block : {1u, 7u, 4096u, 1u << 20})
        for (std::size_t piece : {1u, 13u, 65536u})
            for (std::size_t cap : {1u, 100u, 1u << 20}) {
                if (block == 1 && (piece == 1 || cap == 1)) continue;  // each byte a hand-over: slow, adds nothing
                ReadAheadSource s(std::make_unique<PieceSource>(data, piece, false), block, 3);
                EXPECT_EQ(drain(s, cap), data) << block << " " << piece << " " << cap;
                EXPECT_FALSE(s.error());
                EXPECT_EQ(s.raw_position(), data.size());
            }
}

TEST(ReadAhead, PassesTheInnerErrorOnAtTheEnd) {
    const std::string data = numbers(1000);
    ReadAheadSource s(std::make_unique<PieceSource>(data, 100, true), 64, 2);
    EXPECT_EQ(drain(s, 50), data);
    EXPECT_EQ(s.error().kind, ErrorKind::truncated);
}

TEST(ReadAhead, StoppingEarlyEndsTheReadingThread) {
    // The consumer gives up after one read: destruction must not hang on a producer waiting for room.
    for (int i = 0; i < 50; ++i) {
        ReadAheadSource s(std::make_unique<PieceSource>(numbers(100000), 4096, false), 1024, 2);
        char buf[10];
        EXPECT_EQ(s.read(buf, sizeof buf), sizeof buf);
    }
}

TEST(ReadAhead, EmptyInput) {
    ReadAheadSource s(std::make_unique<PieceSource>("", 10, false), 16);
    char buf[4];
    EXPECT_EQ(s.read(buf, sizeof buf), 0u);
    EXPECT_FALSE(s.error());
}

}  // namespace
