#include "logcodes/framer.hpp"
#include "logcodes/record.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using logcodes::LineEvent;
using logcodes::LineFramer;

// An owned copy of a LineEvent: the framer's views die with the next commit.
struct Ev {
    std::string text;
    std::uint64_t offset = 0;
    bool overlong = false;
    bool operator==(const Ev& o) const {
        return std::tie(text, offset, overlong) == std::tie(o.text, o.offset, o.overlong);
    }
};

void PrintTo(const Ev& e, std::ostream* os) {
    *os << "{\"" << e.text << "\" @" << e.offset << (e.overlong ? " overlong" : "") << "}";
}

struct Collector {
    std::vector<Ev>* out;
    bool operator()(const LineEvent& ev) const {
        out->push_back(Ev{std::string(ev.text), ev.offset, ev.overlong});
        return true;
    }
};

// Frames `data` through writable()/commit() in pieces of at most `piece` bytes, then finish().
std::vector<Ev> frame_by_commit(std::string_view data, std::size_t piece, std::size_t block,
                                std::size_t max_record = 64u << 20) {
    LineFramer f(block, max_record);
    std::vector<Ev> out;
    Collector c{&out};
    while (!data.empty()) {
        auto area = f.writable();
        EXPECT_GE(area.size(), f.block_size());
        const std::size_t n = std::min({piece, area.size(), data.size()});
        std::memcpy(area.data(), data.data(), n);
        data.remove_prefix(n);
        EXPECT_TRUE(f.commit(n, c));
    }
    f.finish(c);
    return out;
}

// Frames `data` through feed() in pieces of `piece` bytes, then finish().
std::vector<Ev> frame_by_feed(std::string_view data, std::size_t piece, std::size_t block,
                              std::size_t max_record = 64u << 20) {
    LineFramer f(block, max_record);
    std::vector<Ev> out;
    Collector c{&out};
    while (!data.empty()) {
        const std::size_t n = std::min(piece, data.size());
        EXPECT_TRUE(f.feed(data.substr(0, n), c));
        data.remove_prefix(n);
    }
    f.finish(c);
    return out;
}

// The lines of `data` as a reference: split on '\n', unterminated last line included.
std::vector<Ev> reference_lines(std::string_view data) {
    std::vector<Ev> out;
    std::uint64_t off = 0;
    while (off < data.size()) {
        const std::size_t nl = data.find('\n', off);
        const std::size_t end = nl == std::string_view::npos ? data.size() : nl;
        out.push_back(Ev{std::string(data.substr(off, end - off)), off, false});
        off = end + 1;
    }
    return out;
}

const std::string kText =
    "first line\n"
    "\n"
    "crlf line\r\n"
    "a somewhat longer line with spaces and \"quotes\" in it\n"
    "x\n"
    "\r\n"
    "unterminated tail";

TEST(LineFramer, FeedWholeBufferGivesEveryLineWithOffsets) {
    EXPECT_EQ(frame_by_feed(kText, kText.size(), 1 << 16), reference_lines(kText));
}

TEST(LineFramer, CommitsOfEverySizeGiveTheSameLines) {
    const auto expected = reference_lines(kText);
    for (std::size_t piece = 1; piece <= kText.size() + 1; ++piece) {
        SCOPED_TRACE("piece " + std::to_string(piece));
        EXPECT_EQ(frame_by_commit(kText, piece, piece), expected);
        // A block larger than the pieces: commits smaller than writable().
        EXPECT_EQ(frame_by_commit(kText, piece, 64), expected);
    }
}

TEST(LineFramer, FeedAndCommitAgreeForOddSizes) {
    std::string data;
    for (int i = 0; i < 300; ++i) data += "line " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 37), 'z') + "\n";
    data += "last without newline";
    const auto expected = reference_lines(data);
    for (std::size_t piece : {1u, 2u, 3u, 5u, 7u, 13u, 97u, 1000u, 4096u}) {
        for (std::size_t block : {1u, 3u, 7u, 64u, 4096u}) {
            SCOPED_TRACE("piece " + std::to_string(piece) + " block " + std::to_string(block));
            EXPECT_EQ(frame_by_feed(data, piece, block), expected);
            EXPECT_EQ(frame_by_commit(data, piece, block), expected);
        }
    }
}

TEST(LineFramer, CrlfIsKeptForTheParser) {
    const auto ev = frame_by_feed("a\r\nb\r\n", 100, 16);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0], (Ev{"a\r", 0, false}));
    EXPECT_EQ(ev[1], (Ev{"b\r", 3, false}));
}

TEST(LineFramer, UnterminatedLastLineOnlyOnFinish) {
    LineFramer f(16);
    std::vector<Ev> out;
    Collector c{&out};
    EXPECT_TRUE(f.feed("one\ntw", c));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(f.pending(), 2u);
    EXPECT_EQ(f.pending_bytes(), "tw");
    EXPECT_TRUE(f.feed("o", c));
    EXPECT_EQ(out.size(), 1u);
    f.finish(c);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1], (Ev{"two", 4, false}));
    EXPECT_EQ(f.pending(), 0u);
    // Nothing pending: a second finish hands over nothing.
    f.finish(c);
    EXPECT_EQ(out.size(), 2u);
}

TEST(LineFramer, FinishAfterTerminatedLineAddsNothing) {
    const auto ev = frame_by_feed("a\nb\n", 1, 1);
    EXPECT_EQ(ev, (std::vector<Ev>{{"a", 0, false}, {"b", 2, false}}));
}

TEST(LineFramer, EmptyLinesAreLines) {
    const auto ev = frame_by_feed("\n\n\nx\n\n", 1, 4);
    EXPECT_EQ(ev, (std::vector<Ev>{{"", 0, false}, {"", 1, false}, {"", 2, false}, {"x", 3, false}, {"", 5, false}}));
    EXPECT_TRUE(frame_by_feed("", 1, 4).empty());
}

TEST(LineFramer, WritableIsAtLeastOneBlockEvenWithALongPendingLine) {
    LineFramer f(8);
    std::vector<Ev> out;
    Collector c{&out};
    const std::string longline(1000, 'q');
    EXPECT_TRUE(f.feed(longline, c));
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(f.pending(), 1000u);
    EXPECT_GE(f.writable().size(), 8u);
    EXPECT_TRUE(f.feed("\n", c));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], (Ev{longline, 0, false}));
}

TEST(LineFramer, ZeroBlockSizeIsOneByte) {
    LineFramer f(0);
    EXPECT_EQ(f.block_size(), 1u);
    EXPECT_GE(f.writable().size(), 1u);
}

// Lines at or over max_record: one overlong event with the line's head, then framing resumes.
TEST(LineFramer, OverlongLineReportedOnceWhateverTheBlockSize) {
    constexpr std::size_t kMax = 10;
    const std::string at_limit(kMax, 'a');        // exactly max_record: overlong
    const std::string below(kMax - 1, 'b');       // one less: a normal line
    const std::string way_over(57, 'c');
    const std::string data = "ok\n" + at_limit + "\n" + below + "\n" + way_over + "\nafter\n" + way_over;
    const std::uint64_t at_off = 3;
    const std::uint64_t below_off = at_off + kMax + 1;
    const std::uint64_t over_off = below_off + kMax;
    const std::uint64_t after_off = over_off + way_over.size() + 1;
    const std::uint64_t tail_off = after_off + 6;

    for (std::size_t block : {1u, 2u, 3u, 7u, 9u, 10u, 11u, 64u, 4096u}) {
        for (bool use_feed : {false, true}) {
            SCOPED_TRACE("block " + std::to_string(block) + (use_feed ? " feed" : " commit"));
            const auto ev = use_feed ? frame_by_feed(data, block, block, kMax) : frame_by_commit(data, block, block, kMax);
            ASSERT_EQ(ev.size(), 6u);
            EXPECT_EQ(ev[0], (Ev{"ok", 0, false}));

            EXPECT_TRUE(ev[1].overlong);
            EXPECT_EQ(ev[1].offset, at_off);
            EXPECT_FALSE(ev[1].text.empty());
            EXPECT_TRUE(at_limit.starts_with(ev[1].text)) << ev[1].text;

            EXPECT_EQ(ev[2], (Ev{below, below_off, false}));

            EXPECT_TRUE(ev[3].overlong);
            EXPECT_EQ(ev[3].offset, over_off);
            EXPECT_GE(ev[3].text.size(), kMax);
            EXPECT_TRUE(way_over.starts_with(ev[3].text)) << ev[3].text;

            EXPECT_EQ(ev[4], (Ev{"after", after_off, false}));

            // The unterminated over-long tail: reported once too (by commit or by finish).
            EXPECT_TRUE(ev[5].overlong);
            EXPECT_EQ(ev[5].offset, tail_off);
            EXPECT_TRUE(way_over.starts_with(ev[5].text));
        }
    }
}

// The head handed out for an over-long line ends up in samples: it must not depend on how reads fell.
TEST(LineFramer, OverlongHeadDoesNotDependOnTheBlockSize) {
    constexpr std::size_t kMax = 10;
    const std::string line(57, 'c');
    const std::string data = "ok\n" + line + "\nafter\n";
    const auto reference = frame_by_commit(data, 1, 1, kMax);
    ASSERT_EQ(reference.size(), 3u);
    for (std::size_t block : {2u, 3u, 7u, 10u, 64u, 4096u}) {
        SCOPED_TRACE("block " + std::to_string(block));
        EXPECT_EQ(frame_by_commit(data, block, block, kMax), reference);
    }
}

TEST(LineFramer, OverlongLineEndingExactlyAtABlockBoundary) {
    // The '\n' of an over-long line arrives alone in the next commit: it must not make an extra line.
    constexpr std::size_t kMax = 4;
    const std::string data = "abcdefgh\nz\n";
    LineFramer f(8, kMax);
    std::vector<Ev> out;
    Collector c{&out};
    auto area = f.writable();
    std::memcpy(area.data(), data.data(), 8);
    EXPECT_TRUE(f.commit(8, c));
    area = f.writable();
    std::memcpy(area.data(), data.data() + 8, 3);
    EXPECT_TRUE(f.commit(3, c));
    f.finish(c);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_TRUE(out[0].overlong);
    EXPECT_EQ(out[0].offset, 0u);
    EXPECT_EQ(out[1], (Ev{"z", 9, false}));
}

TEST(LineFramer, ResetSetsTheStreamOffsetAndDropsPendingBytes) {
    LineFramer f(4);
    std::vector<Ev> out;
    Collector c{&out};
    EXPECT_TRUE(f.feed("abc\npartial", c));
    f.reset(1000);
    EXPECT_EQ(f.pending(), 0u);
    EXPECT_TRUE(f.feed("x\nyz\nw", c));
    f.finish(c);
    EXPECT_EQ(out, (std::vector<Ev>{{"abc", 0, false}, {"x", 1000, false}, {"yz", 1002, false}, {"w", 1005, false}}));

    // A reset also ends an over-long line being skipped.
    LineFramer g(2, 3);
    out.clear();
    Collector d{&out};
    EXPECT_TRUE(g.feed("abcdef", d));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].overlong);
    g.reset(50);
    EXPECT_TRUE(g.feed("ok\n", d));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1], (Ev{"ok", 50, false}));
}

TEST(LineFramer, OffsetsContinueAcrossCommitsAfterReset) {
    const std::string data = "aa\nbbb\ncccc\n";
    for (std::size_t piece = 1; piece <= data.size(); ++piece) {
        LineFramer f(piece);
        f.reset(7);
        std::vector<Ev> out;
        Collector c{&out};
        for (std::size_t i = 0; i < data.size(); i += piece) EXPECT_TRUE(f.feed(std::string_view(data).substr(i, piece), c));
        f.finish(c);
        EXPECT_EQ(out, (std::vector<Ev>{{"aa", 7, false}, {"bbb", 10, false}, {"cccc", 14, false}}));
    }
}

TEST(LineFramer, CallbackReturningFalseStops) {
    for (std::size_t block : {1u, 3u, 1024u}) {
        SCOPED_TRACE("block " + std::to_string(block));
        LineFramer f(block);
        std::vector<std::string> seen;
        auto stop_at_b = [&](const LineEvent& ev) {
            seen.emplace_back(ev.text);
            return ev.text != "b";
        };
        EXPECT_FALSE(f.feed("a\nb\nc\nd\n", stop_at_b));
        EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
    }
    // commit() reports the stop too.
    LineFramer f(64);
    int calls = 0;
    auto never = [&](const LineEvent&) {
        ++calls;
        return false;
    };
    auto area = f.writable();
    std::memcpy(area.data(), "x\ny\n", 4);
    EXPECT_FALSE(f.commit(4, never));
    EXPECT_EQ(calls, 1);
}

TEST(LineFramer, CallbackStopOnOverlongHead) {
    LineFramer f(4, 5);
    int calls = 0;
    auto never = [&](const LineEvent& ev) {
        ++calls;
        EXPECT_TRUE(ev.overlong);
        return false;
    };
    EXPECT_FALSE(f.feed("0123456789\nnext\n", never));
    EXPECT_EQ(calls, 1);
}

TEST(LineFramer, LinesArePaddedForSimdParsers) {
    // Every handed-out line is followed by kLinePadding readable bytes: reading them must be valid.
    LineFramer f(16);
    std::size_t lines = 0;
    auto touch = [&](const LineEvent& ev) {
        volatile char sink = 0;
        for (std::size_t i = 0; i < logcodes::kLinePadding; ++i) sink = static_cast<char>(sink ^ ev.text.data()[ev.text.size() + i]);
        ++lines;
        return true;
    };
    std::string data;
    for (int i = 0; i < 50; ++i) data += std::string(static_cast<std::size_t>(i), 'k') + "\n";
    EXPECT_TRUE(f.feed(data, touch));
    EXPECT_EQ(lines, 50u);
}

}  // namespace

// A callback that returns LineSkip may take whole lines after the one it was given (from ev.ahead): the
// framer goes on after them, within its 4 KiB mask window or past it, whatever the read sizes.
TEST(LineFramer, CallbackTakesLinesAhead) {
    // Lines "take N" are followed by N lines the callback takes itself; all others are framed as usual.
    std::string input;
    std::vector<Ev> want;
    std::size_t taken_lines = 0;
    for (int i = 0; i < 400; ++i) {
        const int n = i % 5 == 0 ? 150 : i % 3;  // every fifth takes 150 lines: over 4 KiB ahead
        const std::string head = "take " + std::to_string(n);
        want.push_back(Ev{head, input.size(), false});
        input += head + "\n";
        for (int k = 0; k < n; ++k) input += "part " + std::to_string(i) + "." + std::to_string(k) + "\n";
        taken_lines += static_cast<std::size_t>(n);
    }
    for (const std::size_t block : {std::size_t{1}, std::size_t{13}, std::size_t{4096}, std::size_t{1} << 20}) {
        LineFramer f(block, 1 << 16);
        std::vector<Ev> got;
        std::size_t took = 0;
        auto on_line = [&](const LineEvent& ev) {
            got.push_back(Ev{std::string(ev.text), ev.offset, ev.overlong});
            const int n = std::stoi(std::string(ev.text.substr(5)));
            // Take the announced lines if all of them are framed already, else none (they come one by one).
            std::size_t bytes = 0;
            int lines = 0;
            while (lines < n) {
                const std::size_t nl = ev.ahead.find('\n', bytes);
                if (nl == std::string_view::npos) break;
                EXPECT_TRUE(ev.ahead.substr(bytes).starts_with("part ")) << ev.ahead.substr(bytes, 20);
                bytes = nl + 1;
                ++lines;
            }
            if (lines < n) {
                return logcodes::LineSkip{true, 0};
            }
            took += static_cast<std::size_t>(lines);
            return logcodes::LineSkip{true, bytes};
        };
        // Lines not taken ahead reach the callback as ordinary lines: drop those "part" lines here.
        std::size_t pos = 0;
        while (pos < input.size()) {
            auto area = f.writable();
            const std::size_t n = std::min(area.size(), input.size() - pos);
            std::memcpy(area.data(), input.data() + pos, n);
            pos += n;
            f.commit(n, [&](const LineEvent& ev) {
                if (ev.text.starts_with("part ")) {
                    ++took;
                    return logcodes::LineSkip{true, 0};
                }
                return on_line(ev);
            });
        }
        f.finish([&](const LineEvent&) { return true; });
        EXPECT_EQ(got, want) << "block " << block;
        EXPECT_EQ(took, taken_lines) << "block " << block;
    }
}
