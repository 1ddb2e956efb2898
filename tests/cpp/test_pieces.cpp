// Files whose lines depend on lines before them, cut into pieces for threads: W3C logs under their #Fields
// directives and SIP traces at message starts. Every cut must give what one reader of the whole file gives.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "logcodes/formats/format.hpp"
#include "logcodes/piece_context.hpp"
#include "logcodes/scanner.hpp"
#include "logcodes/source.hpp"

namespace {

using namespace logcodes;
namespace fs = std::filesystem;

class PiecesTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("logcodes_pieces_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    std::string write(const std::string& name, std::string_view bytes) {
        const std::string path = (dir_ / name).string();
        std::ofstream f(path, std::ios::binary);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return path;
    }
    fs::path dir_;
};

std::map<std::string, std::uint64_t> rows_of(const Aggregator& a) {
    std::map<std::string, std::uint64_t> rows;
    a.for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
        std::string k;
        for (const KeyValue& v : key) k += (v.is_text ? std::string(v.text) : std::to_string(v.number)) + "|";
        rows[k] += n;
    });
    return rows;
}

std::string samples_of(const std::vector<Sample>& samples) {
    std::string out;
    for (const Sample& s : samples) out += std::to_string(s.line) + "@" + std::to_string(s.offset) + ":" + s.text + "\n";
    return out;
}

// Everything a scan answers that must not depend on the cut.
void expect_same(const ScanResult& got, const ScanResult& want) {
    EXPECT_EQ(rows_of(got.counts), rows_of(want.counts));
#define LOGCODES_EXPECT_COUNTER(name, what) EXPECT_EQ(got.stats.name, want.stats.name) << #name;
    LOGCODES_SCAN_COUNTERS(LOGCODES_EXPECT_COUNTER)
#undef LOGCODES_EXPECT_COUNTER
    EXPECT_EQ(samples_of(got.stats.unparsed_samples), samples_of(want.stats.unparsed_samples));
    EXPECT_EQ(samples_of(got.stats.invalid_samples), samples_of(want.stats.invalid_samples));
    ASSERT_EQ(got.files.size(), 1u);
    EXPECT_EQ(got.files[0].lines, want.files[0].lines);
    EXPECT_EQ(got.files[0].records, want.files[0].records);
    EXPECT_FALSE(got.files[0].error) << got.files[0].error.message;
}

ScanOptions options(const std::string& path, const std::string& format, GroupSpec group, unsigned threads,
                    std::uint64_t min_range, std::size_t block, CountLevel level = CountLevel::transactions) {
    ScanOptions o = options_for(format, std::move(group), level);
    o.paths = {path};
    o.threads = threads;
    o.min_range = min_range;
    o.block_size = block;
    o.max_samples = 1000000;  // every sample, with its line number
    return o;
}

// --- the last #Fields before a piece --------------------------------------------------------------------

TEST_F(PiecesTest, LastDirectiveReadsBackwardsWithinItsRange) {
    const Format* w3c = find_format("w3c");
    ASSERT_NE(w3c, nullptr);
    // A directive with a byte-order mark, one over a 64 KiB read, one long line between.
    std::string body = "#Fields: a b\n1 2\n";
    const std::uint64_t second = body.size();
    body += "\xEF\xBB\xBF#Fields: c d\n";
    body += std::string(70000, 'x') + "\n";
    const std::uint64_t third = body.size();
    body += "#Fields: " + std::string(100000, 'e') + "\n3 4\n#Software: x\n#Fieldsx\n";
    const std::string path = write("d.log", body);
    Error err;
    OpenFile f = open_file(path, err);
    ASSERT_FALSE(err) << err.message;
    auto search = [&](std::uint64_t from, std::uint64_t to, std::size_t max_record = 1 << 20) {
        return last_directive(f, path, from, to, *w3c, max_record);
    };
    DirectiveSearch s = search(0, body.size());
    ASSERT_TRUE(s.found);
    EXPECT_EQ(s.line, "#Fields: " + std::string(100000, 'e'));
    // A line of max_record bytes or more is overlong: never read as a directive.
    s = search(0, body.size(), 100000);
    ASSERT_TRUE(s.found);
    EXPECT_EQ(s.line, "\xEF\xBB\xBF#Fields: c d");
    // Only lines that start in [from, to): the line at `to` belongs to the piece itself.
    s = search(0, third);
    ASSERT_TRUE(s.found);
    EXPECT_EQ(s.line, "\xEF\xBB\xBF#Fields: c d");
    s = search(0, third + 1);
    EXPECT_EQ(s.line.substr(0, 12), "#Fields: eee");
    s = search(second, second + 1);
    EXPECT_TRUE(s.found);
    s = search(second + 1, third);
    EXPECT_FALSE(s.found);
    s = search(0, second);
    ASSERT_TRUE(s.found);
    EXPECT_EQ(s.line, "#Fields: a b");  // the file's first line
    s = search(1, second);
    EXPECT_FALSE(s.found);
    EXPECT_FALSE(search(0, 0).found);
}

// A W3C log whose layouts change: a line read under the wrong #Fields counts differently (or not at all).
std::string w3c_log(unsigned seed, int lines) {
    std::mt19937 rnd(seed);
    const char* layouts[] = {"date time cs-method cs-uri-stem sc-status", "sc-status cs-uri-stem date time cs-method",
                             "cs-uri-stem sc-status time-taken"};
    std::string out = "#Software: Microsoft Internet Information Services 10.0\n";
    int layout = -1;  // IIS's default layout until the first #Fields
    const char* codes[] = {"200", "404", "500", "302", "abc"};
    for (int i = 0; i < lines; ++i) {
        if (rnd() % 9 == 0) {
            layout = static_cast<int>(rnd() % 3);
            out += (rnd() % 4 == 0 ? "\xEF\xBB\xBF" : "");
            out += std::string("#Fields: ") + layouts[layout] + (rnd() % 2 ? "\r\n" : "\n");
            continue;
        }
        const std::string code = codes[rnd() % 5], path = "/p" + std::to_string(rnd() % 4);
        switch (layout) {
            case 0: out += "2024-01-01 00:00:0" + std::to_string(i % 10) + " GET " + path + " " + code; break;
            case 1: out += code + " " + path + " 2024-01-01 00:00:00 POST"; break;
            case 2: out += path + " " + code + " 15"; break;
            default:
                out += "2024-01-01 00:00:00 10.0.0.1 GET " + path + " - 80 - 10.0.0.2 curl - " + code + " 0 0 15";
        }
        out += "\n";
    }
    return out;
}

// Sanitized builds run each scan many times slower: they sweep every 37th first cut instead of every one (a
// prime stride, so the cuts still fall at every position relative to the lines).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::uint64_t kSweepStride = 37;
#else
constexpr std::uint64_t kSweepStride = 1;
#endif

TEST_F(PiecesTest, W3cPiecesReadUnderTheFieldsBeforeThem) {
    for (unsigned seed : {1u, 2u}) {
        const std::string body = w3c_log(seed, 120);
        const std::string path = write("w3c.log", body);
        const GroupSpec group{{Dim::code, Dim::method, Dim::path_raw}, 3600};
        const ScanResult want = Scanner::run_blocking(options(path, "w3c", group, 1, 0, 1 << 20));
        ASSERT_GT(want.counts.counted(), 80u);
        ASSERT_GT(want.stats.invalid, 0u);
        // Every first cut from a few bytes in to half the file: each directive falls at, before and after one.
        for (std::uint64_t range = body.size() / 8 + 1; range < body.size() / 2; range += kSweepStride) {
            SCOPED_TRACE("seed " + std::to_string(seed) + " range " + std::to_string(range));
            expect_same(Scanner::run_blocking(options(path, "w3c", group, 2, range, 4096)), want);
            if (HasFailure()) return;
        }
        for (unsigned threads : {3u, 8u})
            for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{97}}) {
                SCOPED_TRACE("threads " + std::to_string(threads) + " block " + std::to_string(block));
                expect_same(Scanner::run_blocking(options(path, "w3c", group, threads, 1, block)), want);
            }
    }
}

// Directives further apart than a piece looks back: pieces guess the head's and are read again when wrong.
TEST_F(PiecesTest, W3cPiecesFarFromTheirFieldsAreCheckedInOrder) {
    const char* layouts[] = {"#Fields: date time cs-method cs-uri-stem sc-status",
                             "#Fields: sc-status cs-uri-stem date time cs-method"};
    std::string body = "#Software: IIS\n";
    std::mt19937 rnd(5);
    for (int block = 0; block < 5; ++block) {
        const int layout = block == 0 || block == 4 ? 0 : 1;  // the head's, then another for over 2 MiB, then back
        body += std::string(layouts[layout]) + "\n";
        while (body.size() < static_cast<std::size_t>(block + 1) * (1200u << 10)) {
            const std::string code = std::to_string(200 + 100 * static_cast<int>(rnd() % 4));
            body += layout == 0 ? "2024-01-01 00:00:00 GET /a " + code + "\n" : code + " /b 2024-01-01 00:00:00 PUT\n";
        }
    }
    const std::string path = write("far.log", body);
    const GroupSpec group{{Dim::code, Dim::method, Dim::path_raw}, 3600};
    const ScanResult want = Scanner::run_blocking(options(path, "w3c", group, 1, 0, 1 << 20));
    ASSERT_EQ(want.stats.unparsed, 0u);
    for (unsigned threads : {2u, 3u, 8u})
        for (std::uint64_t range : {std::uint64_t{0}, std::uint64_t{300000}, std::uint64_t{1 << 20}}) {
            SCOPED_TRACE("threads " + std::to_string(threads) + " range " + std::to_string(range));
            expect_same(Scanner::run_blocking(options(path, "w3c", group, threads, range, 1 << 16)), want);
        }
}

// --- SIP traces cut at message starts -------------------------------------------------------------------

// A trace of calls in one of the layouts logcodes reads: 0 SIPp (-trace_msg), 1 tshark/sngrep ("U date time a ->
// b"), 2 bare messages between blank lines. Responses are retransmitted, bodies hold start-line and framing-line
// look-alikes (a message/sipfrag NOTIFY, a text MESSAGE), and some lines are junk.
std::string sip_trace(unsigned seed, int calls, int layout) {
    std::mt19937 rnd(seed);
    std::string out;
    int second = 0;
    auto frame = [&](const std::string& msg) {
        ++second;
        const std::string t = "2026-11-23 23:" + std::to_string(10 + second / 60) + ":" +
                              (second % 60 < 10 ? "0" : "") + std::to_string(second % 60) + ".000001";
        if (layout == 0) out += "----------------------------------------------- " + t + "\nUDP message sent:\n\n";
        if (layout == 1) out += "U " + t.substr(0, 4) + "/" + t.substr(5, 2) + "/" + t.substr(8) + " 10.0.0.1:5060 -> 10.0.0.2:5060\n";
        out += msg;
        out += layout == 1 ? "" : "\n";
    };
    for (int c = 0; c < calls; ++c) {
        const std::string cid = "call" + std::to_string(c) + "@h", br = "z9hG4bK" + std::to_string(c);
        auto head = [&](const std::string& start, const std::string& cseq, const std::string& branch, bool to_tag) {
            return start + "\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=" + branch + "\r\nFrom: <sip:a@h>;tag=f" + cid +
                   "\r\nTo: <sip:b@h>" + (to_tag ? ";tag=t" + cid : "") + "\r\nCall-ID: " + cid + "\r\nCSeq: " + cseq +
                   "\r\n";
        };
        auto resp = [&](const std::string& status, const std::string& cseq, const std::string& branch) {
            return head("SIP/2.0 " + status, cseq, branch, true) + "Content-Length: 0\r\n\r\n";
        };
        const std::string sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n";
        frame(head("INVITE sip:b@h SIP/2.0", "1 INVITE", br, false) + "Content-Type: application/sdp\r\nContent-Length: " +
              std::to_string(sdp.size()) + "\r\n\r\n" + sdp);
        frame(resp("100 Trying", "1 INVITE", br));
        frame(resp("180 Ringing", "1 INVITE", br));
        if (rnd() % 3 == 0) frame(resp("180 Ringing", "1 INVITE", br));  // retransmitted
        switch (rnd() % 4) {
            case 0: {
                const std::string code = rnd() % 2 ? "486 Busy Here" : "603 Decline";
                frame(resp(code, "1 INVITE", br));
                if (rnd() % 2) frame(resp(code, "1 INVITE", br));  // the ACK was lost
                frame(head("ACK sip:b@h SIP/2.0", "1 ACK", br, true) + "Content-Length: 0\r\n\r\n");
                break;
            }
            case 1: {
                // A transfer's progress: a message/sipfrag body holds a status line of its own.
                const std::string frag = "SIP/2.0 200 OK\r\n";
                frame(head("NOTIFY sip:a@h SIP/2.0", "2 NOTIFY", br + "n", true) +
                      "Content-Type: message/sipfrag;version=2.0\r\nContent-Length: " + std::to_string(frag.size()) +
                      "\r\n\r\n" + frag);
                frame(resp("200 OK", "2 NOTIFY", br + "n"));
                [[fallthrough]];
            }
            default: {
                frame(resp("200 OK", "1 INVITE", br));
                // A text body with a request-line and a framing-line look-alike.
                const std::string text = "INVITE sip:x@y SIP/2.0\r\n2026-11-23 23:59:59.000001 note\r\n";
                frame(head("MESSAGE sip:b@h SIP/2.0", "3 MESSAGE", br + "m", true) +
                      "Content-Type: text/plain\r\nContent-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text);
                frame(resp("200 OK", "3 MESSAGE", br + "m"));
                frame(head("BYE sip:b@h SIP/2.0", "4 BYE", br + "b", true) + "Content-Length: 0\r\n\r\n");
                frame(resp("200 OK", "4 BYE", br + "b"));
            }
        }
        if (rnd() % 7 == 0) out += "junk line without a message\n";
        if (rnd() % 11 == 0) frame(resp("099 Bad", "1 INVITE", br));  // not a status code
    }
    return out;
}

TEST_F(PiecesTest, SipTracesCutAtMessageStartsGiveOneReadersAnswer) {
    // By code alone, a piece leaves each response to the replay of the transactions; by code and time it judges
    // them itself and is checked.
    for (const GroupSpec& group : {GroupSpec{{Dim::code, Dim::time}, 60}, GroupSpec{{Dim::klass, Dim::code}, 60}})
    for (int layout : {0, 1, 2}) {
        const std::string body = sip_trace(7u + static_cast<unsigned>(layout), 14, layout);
        const std::string path = write("sip.log", body);
        for (CountLevel level : {CountLevel::messages, CountLevel::transactions, CountLevel::calls}) {
            const ScanResult want = Scanner::run_blocking(options(path, "sip_trace", group, 1, 0, 1 << 20, level));
            ASSERT_GT(want.counts.counted(), 10u);
            if (level == CountLevel::transactions) {
                ASSERT_GT(want.stats.retransmissions, 2u);
            }
            if (level == CountLevel::calls) {
                ASSERT_GT(want.stats.calls, 10u);
            }
            const std::uint64_t step = (level == CountLevel::transactions ? 1 : 7) * kSweepStride;
            for (std::uint64_t range = body.size() / 8 + 1; range < body.size() / 2; range += step) {
                SCOPED_TRACE("layout " + std::to_string(layout) + " level " + std::string(count_level_name(level)) +
                             " range " + std::to_string(range));
                expect_same(Scanner::run_blocking(options(path, "sip_trace", group, 2, range, 4096, level)), want);
                if (HasFailure()) return;
            }
            for (unsigned threads : {3u, 8u})
                for (std::size_t block : {std::size_t{1}, std::size_t{97}}) {
                    SCOPED_TRACE("layout " + std::to_string(layout) + " threads " + std::to_string(threads) +
                                 " block " + std::to_string(block));
                    expect_same(Scanner::run_blocking(options(path, "sip_trace", group, threads, 1, block, level)),
                                want);
                }
        }
    }
}

// The checks themselves: where a piece may begin, and whether the reader before agrees.
TEST(SipPieceStarts, FramingLinesOrStartLines) {
    const Format* sip = find_format("sip_trace");
    ASSERT_NE(sip, nullptr);
    EXPECT_EQ(sip->piece_rule(), Format::PieceRule::messages);
    EXPECT_TRUE(sip->framed("# tshark\nU 2005/07/04 09:32:52.844249 1.2.3.4:5060 -> 5.6.7.8:5060\nREGISTER sip:x SIP/2.0\n"));
    EXPECT_FALSE(sip->framed("INVITE sip:b@h SIP/2.0\r\nCall-ID: 1\r\n\r\nSIP/2.0 200 OK\r\n"));
    EXPECT_TRUE(sip->message_start("----- 2026-11-23 23:48:42.893185\r", true));
    EXPECT_FALSE(sip->message_start("SIP/2.0 200 OK\r", true));
    EXPECT_TRUE(sip->message_start("SIP/2.0 200 OK\r", false));
    EXPECT_TRUE(sip->message_start("INVITE sip:b@h SIP/2.0", false));
    EXPECT_FALSE(sip->message_start("Call-ID: 1", false));
    EXPECT_FALSE(sip->message_start("UDP message sent:", true));
}

std::string padded(std::string_view line) { return std::string(line) + std::string(kLinePadding, '\0'); }

ParseResult feed(Parser& p, std::string_view line, Record& r) {
    const std::string buf = padded(line);
    return p.parse(std::string_view(buf.data(), line.size()), r);
}

TEST(SipPieceStarts, TheReaderBeforeAgreesOnlyWhereAMessageReallyBegins) {
    const Format* sip = find_format("sip_trace");
    auto p = sip->make_parser();
    Record r;
    EXPECT_TRUE(p->fresh_at("SIP/2.0 200 OK"));  // a new reader: nothing read yet
    feed(*p, "NOTIFY sip:a@h SIP/2.0", r);
    feed(*p, "Call-ID: 1", r);
    EXPECT_FALSE(p->fresh_at("Content-Type: message/sipfrag"));  // a header
    EXPECT_FALSE(p->fresh_at("INVITE sip:x@y SIP/2.0"));         // has a ':': read as a header
    EXPECT_TRUE(p->fresh_at("SIP/2.0 180 Ringing"));             // ends a message cut without a blank line
    feed(*p, "Content-Type: message/sipfrag", r);
    feed(*p, "Content-Length: 16", r);
    feed(*p, "", r);
    // In a message/sipfrag body, a status line is the body's: a piece cannot begin there.
    EXPECT_FALSE(p->fresh_at("SIP/2.0 200 OK"));
    feed(*p, "SIP/2.0 200 OK", r);
    EXPECT_FALSE(p->in_record());
    // Once a framing line gave a time, a start line alone does not say it: the framing line does.
    feed(*p, "----- 2026-11-23 23:48:42.893185", r);
    EXPECT_FALSE(p->fresh_at("SIP/2.0 200 OK"));
    EXPECT_FALSE(p->fresh_at("UDP message sent:"));
    EXPECT_TRUE(p->fresh_at("----- 2026-11-23 23:48:43.000000"));
    // In a text body, a start line ends the body (as the reader reads it), a framing line does not.
    auto q = sip->make_parser();
    feed(*q, "MESSAGE sip:b@h SIP/2.0", r);
    feed(*q, "Content-Type: text/plain", r);
    feed(*q, "Content-Length: 80", r);
    feed(*q, "", r);
    EXPECT_FALSE(q->fresh_at("2026-11-23 23:59:59.000001 note"));
    EXPECT_TRUE(q->fresh_at("INVITE sip:x@y SIP/2.0"));
}

}  // namespace
