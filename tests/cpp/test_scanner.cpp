#include "logcodes/scanner.hpp"
#include "logcodes/stream.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using logcodes::Aggregator;
using logcodes::CodeStatus;
using logcodes::Compression;
using logcodes::Dim;
using logcodes::ErrorKind;
using logcodes::GroupSpec;
using logcodes::KeyValue;
using logcodes::Protocol;
using logcodes::Sample;
using logcodes::ScanOptions;
using logcodes::ScanResult;
using logcodes::Scanner;
using logcodes::ScanStats;
using logcodes::StreamScanner;
using logcodes::options_for;

namespace fs = std::filesystem;

// --- generated input with known answers ------------------------------------------------------------

enum class Kind { code, invalid, garbage, blank, overlong };

struct Line {
    std::string text;  // without '\n' (a '\r' stays: it is part of what the framer hands out)
    Kind kind;
    std::string status;
};

struct Input {
    std::vector<Line> lines;
    bool last_unterminated = false;
    std::string bytes() const {
        std::string s;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            s += lines[i].text;
            if (i + 1 < lines.size() || !last_unterminated) s += '\n';
        }
        return s;
    }
};

std::string combined(std::mt19937& rng, std::string_view status, std::size_t path_len = 0) {
    static const char* const methods[] = {"GET", "POST", "HEAD", "PUT"};
    std::string path = "/p/" + std::to_string(rng() % 1000);
    if (path_len > path.size()) path += std::string(path_len - path.size(), 'a' + static_cast<char>(rng() % 26));
    return "10.0." + std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) + " - - [10/Oct/2000:1" +
           std::to_string(rng() % 10) + ":55:36 -0700] \"" + methods[rng() % 4] + " " + path + "?q=" +
           std::to_string(rng() % 100) + " HTTP/1.1\" " + std::string(status) + " " + std::to_string(rng() % 5000) +
           " \"-\" \"agent/" + std::to_string(rng() % 7) + "\"";
}

// A few thousand lines: mostly combined with a mix of codes, some invalid statuses, garbage, blank lines,
// long lines and CRLF endings. `overlong_len`: when nonzero, lines of that length are added too.
Input generate(std::size_t n, unsigned seed, std::size_t overlong_len = 0) {
    static const char* const codes[] = {"200", "200", "200", "200", "204", "301", "304", "404", "404",
                                        "500", "502", "503", "298", "101", "451"};
    static const char* const invalid[] = {"009", "-", "abc", "1000", "000", "600"};
    std::mt19937 rng(seed);
    Input in;
    for (std::size_t i = 0; i < n; ++i) {
        Line l;
        const unsigned r = rng() % 100;
        if (i < 70 || r < 78) {  // the head is clean combined, so detection is sure
            l.kind = Kind::code;
            l.status = codes[rng() % (sizeof codes / sizeof codes[0])];
            l.text = combined(rng, l.status, r % 29 == 0 ? 3000 : 0);
        } else if (r < 84) {
            l.kind = Kind::invalid;
            l.status = invalid[rng() % (sizeof invalid / sizeof invalid[0])];
            l.text = combined(rng, l.status);
        } else if (r < 90) {
            l.kind = Kind::garbage;
            l.text = r % 2 ? "GARBAGE " + std::to_string(i) : R"({"status":200,"path":"/json"})";
        } else if (r < 95) {
            l.kind = Kind::blank;
            l.text = r % 2 ? "" : "  \t";
        } else if (overlong_len && r < 98) {
            l.kind = Kind::overlong;
            l.text = combined(rng, "200", overlong_len);
        } else {
            l.kind = Kind::code;
            l.status = "200";
            l.text = combined(rng, l.status);
        }
        if (rng() % 11 == 0 && l.kind != Kind::blank) l.text += '\r';  // CRLF
        in.lines.push_back(std::move(l));
    }
    return in;
}

using CountRow = std::tuple<std::string, std::int64_t, std::uint64_t>;  // class, code, count

std::vector<CountRow> rows_of(const Aggregator& a) {
    std::vector<CountRow> rows;
    a.for_each([&](std::span<const KeyValue> k, std::uint64_t n) { rows.emplace_back(std::string(k[0].text), k[1].number, n); });
    std::sort(rows.begin(), rows.end());
    return rows;
}

struct Expected {
    ScanStats stats;
    std::vector<CountRow> rows;
};

// What a scan of the first `upto` lines of `in` (as file `file_index`) must find; all samples kept.
Expected expect(const Input& in, std::size_t upto, std::uint32_t file_index = 0, bool with_overlong_text = true) {
    Expected e;
    std::map<std::pair<std::string, std::int64_t>, std::uint64_t> counts;
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < upto && i < in.lines.size(); ++i) {
        const Line& l = in.lines[i];
        ++e.stats.lines;
        Sample s;
        s.file_index = file_index;
        s.line = i + 1;
        s.offset = offset;
        s.text = l.text.substr(0, logcodes::kSampleTextBytes);
        switch (l.kind) {
            case Kind::blank: ++e.stats.blank; break;
            case Kind::garbage:
                ++e.stats.total;
                ++e.stats.unparsed;
                s.why = "not a combined line";
                e.stats.unparsed_samples.push_back(s);
                break;
            case Kind::overlong:
                ++e.stats.total;
                ++e.stats.unparsed;
                s.why = "line longer than the record limit";
                if (!with_overlong_text) s.text.clear();
                e.stats.unparsed_samples.push_back(s);
                break;
            case Kind::invalid:
                ++e.stats.total;
                ++e.stats.invalid;
                s.why = "status \"" + l.status + "\" is not a http status code";
                e.stats.invalid_samples.push_back(s);
                break;
            case Kind::code: {
                ++e.stats.total;
                const auto c = logcodes::classify(Protocol::http, l.status);
                EXPECT_NE(c.status, CodeStatus::invalid) << l.status;
                if (c.status == CodeStatus::unregistered) ++e.stats.unregistered;
                const std::string klass = std::to_string(c.code / 100) + "xx";
                ++counts[{klass, c.code}];
                break;
            }
        }
        offset += l.text.size() + 1;
    }
    // Decoded bytes: every line and its '\n', except after an unterminated last line.
    e.stats.bytes = offset - (in.last_unterminated && upto >= in.lines.size() && offset > 0 ? 1 : 0);
    for (const auto& [k, n] : counts) e.rows.emplace_back(k.first, k.second, n);
    return e;
}

void expect_samples_eq(const std::vector<Sample>& got, const std::vector<Sample>& want, bool compare_text = true) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        SCOPED_TRACE("sample " + std::to_string(i));
        EXPECT_EQ(got[i].file_index, want[i].file_index);
        EXPECT_EQ(got[i].line, want[i].line);
        EXPECT_EQ(got[i].offset, want[i].offset);
        if (compare_text) {
            // Sizes and the first difference: the texts may be long.
            const auto diff = std::mismatch(got[i].text.begin(), got[i].text.end(), want[i].text.begin(), want[i].text.end());
            EXPECT_TRUE(got[i].text == want[i].text)
                << "text differs: " << got[i].text.size() << " vs " << want[i].text.size() << " bytes, first difference at "
                << (diff.first - got[i].text.begin());
        }
        EXPECT_EQ(got[i].why, want[i].why);
    }
}

void expect_stats_eq(const ScanStats& got, const ScanStats& want, bool compare_bytes = true,
                     bool compare_sample_text = true) {
    EXPECT_EQ(got.lines, want.lines);
    EXPECT_EQ(got.blank, want.blank);
    EXPECT_EQ(got.meta, want.meta);
    EXPECT_EQ(got.total, want.total);
    EXPECT_EQ(got.unparsed, want.unparsed);
    EXPECT_EQ(got.invalid, want.invalid);
    EXPECT_EQ(got.unregistered, want.unregistered);
    EXPECT_EQ(got.requests, want.requests);
    EXPECT_EQ(got.retransmissions, want.retransmissions);
    EXPECT_EQ(got.call_responses, want.call_responses);
    if (compare_bytes) {
        EXPECT_EQ(got.bytes, want.bytes);
    }
    {
        SCOPED_TRACE("unparsed samples");
        expect_samples_eq(got.unparsed_samples, want.unparsed_samples, compare_sample_text);
    }
    {
        SCOPED_TRACE("invalid samples");
        expect_samples_eq(got.invalid_samples, want.invalid_samples, compare_sample_text);
    }
}

std::string gzip_bytes(std::string_view data) {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

std::string zstd_bytes(std::string_view data) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
    EXPECT_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

class ScannerTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::path(::testing::TempDir()) / "logcodes_scanner_XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
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

ScanOptions options(std::vector<std::string> paths, unsigned threads, std::size_t block, std::uint64_t min_range,
                    std::string format = "combined") {
    ScanOptions o = logcodes::options_for(format, GroupSpec{{Dim::klass, Dim::code}, 3600});
    o.paths = std::move(paths);
    o.threads = threads;
    o.block_size = block;
    o.min_range = min_range;
    o.max_samples = 1000000;  // keep every sample: each one's line number is checked
    return o;
}

// --- the scan matrix ---------------------------------------------------------------------------------

TEST_F(ScannerTest, SameResultForEveryThreadCountBlockSizeAndRange) {
    const Input in = generate(3000, 7);
    const std::string bytes = in.bytes();
    const std::string path = write("access.log", bytes);
    const Expected want = expect(in, in.lines.size());
    ASSERT_GT(want.stats.invalid, 20u);
    ASSERT_GT(want.stats.unparsed, 20u);
    ASSERT_GT(want.stats.blank, 20u);

    for (std::string format : {"combined", "auto"}) {
        for (unsigned threads : {1u, 2u, 3u, 8u}) {
            for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{97}, std::size_t{4096}, std::size_t{1} << 20}) {
                for (std::uint64_t min_range : {std::uint64_t{64}, std::uint64_t{1000}}) {
                    if (format == "auto" && block < 97) continue;  // detection does not depend on the block
                    SCOPED_TRACE(format + " threads " + std::to_string(threads) + " block " + std::to_string(block) +
                                 " min_range " + std::to_string(min_range));
                    ScanResult r = Scanner::run_blocking(options({path}, threads, block, min_range, format));
                    EXPECT_FALSE(r.cancelled);
                    EXPECT_EQ(rows_of(r.counts), want.rows);
                    EXPECT_EQ(r.counts.counted(), want.stats.total - want.stats.unparsed - want.stats.invalid);
                    expect_stats_eq(r.stats, want.stats);
                    EXPECT_EQ(r.stats.bytes, bytes.size());
                    ASSERT_EQ(r.files.size(), 1u);
                    const auto& f = r.files[0];
                    EXPECT_FALSE(f.error) << f.error.message;
                    EXPECT_EQ(f.path, path);
                    EXPECT_EQ(f.format, "combined");
                    if (format == "combined") {
                        EXPECT_EQ(f.detection, "given");
                    } else {
                        EXPECT_NE(f.detection.find("combined"), std::string::npos) << f.detection;
                    }
                    EXPECT_EQ(f.compression, Compression::none);
                    EXPECT_EQ(f.size, bytes.size());
                    EXPECT_EQ(f.lines, want.stats.lines);
                    EXPECT_EQ(f.records, want.stats.total);
                }
            }
        }
    }
}

TEST_F(ScannerTest, DefaultSamplesAreTheFirstOnesByLine) {
    const Input in = generate(3000, 11);
    const std::string path = write("access.log", in.bytes());
    Expected want = expect(in, in.lines.size());
    want.stats.unparsed_samples.resize(logcodes::kDefaultMaxSamples);
    want.stats.invalid_samples.resize(logcodes::kDefaultMaxSamples);
    for (unsigned threads : {1u, 3u, 8u}) {
        SCOPED_TRACE("threads " + std::to_string(threads));
        ScanOptions o = options({path}, threads, 4096, 64);
        o.max_samples = logcodes::kDefaultMaxSamples;
        ScanResult r = Scanner::run_blocking(o);
        expect_stats_eq(r.stats, want.stats);
    }
}

TEST_F(ScannerTest, UnterminatedLastLineAndNoTrailingNewline) {
    Input in = generate(500, 3);
    in.last_unterminated = true;
    in.lines.back() = Line{"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /end HTTP/1.1\" 418 0 \"-\" \"-\"", Kind::code, "418"};
    const std::string bytes = in.bytes();
    const std::string path = write("unterminated.log", bytes);
    const Expected want = expect(in, in.lines.size());
    for (unsigned threads : {1u, 3u}) {
        for (std::size_t block : {std::size_t{7}, std::size_t{1} << 20}) {
            SCOPED_TRACE("threads " + std::to_string(threads) + " block " + std::to_string(block));
            ScanResult r = Scanner::run_blocking(options({path}, threads, block, 64));
            EXPECT_EQ(rows_of(r.counts), want.rows);
            expect_stats_eq(r.stats, want.stats);
        }
    }
}

// Lines over max_record count as unparsed, once, with the same sample whatever the block size and threads.
TEST_F(ScannerTest, OverlongLinesSameResultForEveryBlockSize) {
    const Input in = generate(2000, 5, 600);
    const std::string bytes = in.bytes();
    const std::string path = write("long.log", bytes);
    ASSERT_GT(std::count_if(in.lines.begin(), in.lines.end(), [](const Line& l) { return l.kind == Kind::overlong; }), 10);

    ScanOptions base = options({path}, 1, 1 << 20, 0);
    base.max_record = 300;  // under kSampleTextBytes: a sample holds all of what the framer handed out
    // Lines of the "code" kind longer than max_record are over-long as well: recount them.
    Input copy = in;
    for (auto& l : copy.lines)
        if (l.text.size() >= base.max_record) l.kind = Kind::overlong;
    const Expected adjusted = expect(copy, copy.lines.size(), 0, false);
    const ScanResult first = Scanner::run_blocking(base);
    EXPECT_EQ(rows_of(first.counts), adjusted.rows);
    expect_stats_eq(first.stats, adjusted.stats, true, false);

    for (unsigned threads : {1u, 2u, 8u}) {
        for (std::size_t block : {std::size_t{1}, std::size_t{97}, std::size_t{4096}, std::size_t{1} << 20}) {
            SCOPED_TRACE("threads " + std::to_string(threads) + " block " + std::to_string(block));
            ScanOptions o = base;
            o.threads = threads;
            o.block_size = block;
            o.min_range = 64;
            const ScanResult r = Scanner::run_blocking(o);
            EXPECT_EQ(rows_of(r.counts), adjusted.rows);
            // Every field of every sample, text included, equals the first scan's.
            expect_stats_eq(r.stats, first.stats);
        }
    }
}

TEST_F(ScannerTest, SeveralFiles) {
    const Input a = generate(2000, 21);
    const Input b = generate(800, 22);
    const Input c = generate(300, 23);
    const std::string pa = write("a.log", a.bytes());
    const std::string pb = write("b.log.gz", gzip_bytes(b.bytes()));
    const std::string pc = write("c.log.zst", zstd_bytes(c.bytes()));
    const std::string missing = (dir_ / "missing.log").string();

    Expected want = expect(a, a.lines.size(), 0);
    const Expected wb = expect(b, b.lines.size(), 1);
    const Expected wc = expect(c, c.lines.size(), 2);
    want.stats.merge(wb.stats, 1000000);
    want.stats.merge(wc.stats, 1000000);
    std::map<std::pair<std::string, std::int64_t>, std::uint64_t> sum;
    const Expected* parts[] = {&want, &wb, &wc};
    for (const Expected* e : parts)
        for (const auto& [k, code, n] : e->rows) sum[std::make_pair(k, code)] += n;
    std::vector<CountRow> rows;
    for (const auto& [k, n] : sum) rows.emplace_back(k.first, k.second, n);

    for (std::string format : {"combined", "auto"}) {
        for (unsigned threads : {1u, 2u, 8u}) {
            SCOPED_TRACE(format + " threads " + std::to_string(threads));
            ScanResult r = Scanner::run_blocking(options({pa, pb, pc, missing}, threads, 4096, 1000, format));
            EXPECT_EQ(rows_of(r.counts), rows);
            expect_stats_eq(r.stats, want.stats);
            ASSERT_EQ(r.files.size(), 4u);
            EXPECT_EQ(r.files[0].lines, a.lines.size());
            EXPECT_EQ(r.files[1].lines, b.lines.size());
            EXPECT_EQ(r.files[2].lines, c.lines.size());
            EXPECT_EQ(r.files[1].compression, Compression::gzip);
            EXPECT_EQ(r.files[2].compression, Compression::zstd);
            for (int i = 0; i < 3; ++i) {
                EXPECT_FALSE(r.files[static_cast<std::size_t>(i)].error) << r.files[static_cast<std::size_t>(i)].error.message;
                EXPECT_EQ(r.files[static_cast<std::size_t>(i)].format, "combined");
            }
            EXPECT_EQ(r.files[3].path, missing);
            EXPECT_EQ(r.files[3].error.kind, ErrorKind::not_found);
            EXPECT_EQ(r.files[3].lines, 0u);
        }
    }
}

TEST_F(ScannerTest, MissingFileReportsNotFound) {
    const std::string missing = (dir_ / "nope.log").string();
    ScanResult r = Scanner::run_blocking(options({missing}, 2, 4096, 0));
    EXPECT_FALSE(r.cancelled);
    ASSERT_EQ(r.files.size(), 1u);
    EXPECT_EQ(r.files[0].error.kind, ErrorKind::not_found);
    EXPECT_EQ(r.files[0].error.path, missing);
    EXPECT_EQ(r.stats.lines, 0u);
    EXPECT_EQ(r.counts.counted(), 0u);
}

TEST_F(ScannerTest, DirectoryReportsIsDirectory) {
    ScanResult r = Scanner::run_blocking(options({dir_.string()}, 1, 4096, 0));
    ASSERT_EQ(r.files.size(), 1u);
    EXPECT_EQ(r.files[0].error.kind, ErrorKind::is_directory);
}

TEST_F(ScannerTest, TruncatedGzipKeepsTheCountsBeforeTheCut) {
    const Input in = generate(6000, 31);
    const std::string gz = gzip_bytes(in.bytes());
    const std::string path = write("cut.log.gz", std::string_view(gz).substr(0, gz.size() / 2));

    // The complete lines the decoder can produce before the cut.
    logcodes::InputInfo info;
    ASSERT_FALSE(logcodes::probe_input(path, info));
    logcodes::Error err;
    auto src = logcodes::open_input(info, err);
    ASSERT_NE(src, nullptr);
    std::string decoded;
    std::vector<char> buf(1 << 16);
    for (std::size_t n; (n = src->read(buf.data(), buf.size())) > 0;) decoded.append(buf.data(), n);
    ASSERT_EQ(src->error().kind, ErrorKind::truncated);
    const auto complete = static_cast<std::size_t>(std::count(decoded.begin(), decoded.end(), '\n'));
    ASSERT_GT(complete, 100u);
    ASSERT_LT(complete, in.lines.size());
    const Expected want = expect(in, complete);

    for (std::string format : {"combined", "auto"}) {
        for (std::size_t block : {std::size_t{97}, std::size_t{1} << 20}) {
            SCOPED_TRACE(format + " block " + std::to_string(block));
            ScanResult r = Scanner::run_blocking(options({path}, 4, block, 64, format));
            EXPECT_FALSE(r.cancelled);
            EXPECT_EQ(rows_of(r.counts), want.rows);
            expect_stats_eq(r.stats, want.stats, false);
            ASSERT_EQ(r.files.size(), 1u);
            EXPECT_EQ(r.files[0].error.kind, ErrorKind::truncated) << r.files[0].error.message;
            EXPECT_EQ(r.files[0].error.path, path);
            EXPECT_GT(r.files[0].error.offset, 0u);
            EXPECT_EQ(r.files[0].lines, complete);
            EXPECT_EQ(r.files[0].compression, Compression::gzip);
        }
    }
}

TEST_F(ScannerTest, CancelBeforeStart) {
    const Input in = generate(2000, 41);
    const std::string path = write("c.log", in.bytes());
    Scanner s(options({path}, 2, 4096, 64));
    s.cancel();
    s.start();
    ScanResult r = s.take_result();
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(r.counts.counted(), 0u);
    EXPECT_EQ(r.stats.lines, 0u);
}

TEST_F(ScannerTest, StartWaitTakeResult) {
    const Input in = generate(1000, 43);
    const std::string path = write("w.log", in.bytes());
    Scanner s(options({path}, 1, 4096, 64));
    s.start();
    s.wait();
    EXPECT_TRUE(s.wait_for(std::chrono::milliseconds(0)));
    EXPECT_EQ(s.bytes_total(), in.bytes().size());
    EXPECT_EQ(s.bytes_done(), s.bytes_total());  // one thread reads the file once
    ScanResult r = s.take_result();
    EXPECT_FALSE(r.cancelled);
    EXPECT_EQ(rows_of(r.counts), expect(in, in.lines.size()).rows);
}

TEST(CheckOptions, RejectsBadArguments) {
    ScanOptions o;
    EXPECT_FALSE(logcodes::check_options(o));
    logcodes::Error unknown;
    (void)logcodes::FormatChoice::named("no_such_format", unknown);
    EXPECT_EQ(unknown.kind, ErrorKind::bad_argument);
    o.block_size = 0;
    EXPECT_EQ(logcodes::check_options(o).kind, ErrorKind::bad_argument);
    o.block_size = 4096;
    o.max_record = 0;
    EXPECT_EQ(logcodes::check_options(o).kind, ErrorKind::bad_argument);
    o.max_record = 100;
    o.group.time_bucket = 0;
    EXPECT_EQ(logcodes::check_options(o).kind, ErrorKind::bad_argument);
}

// --- StreamScanner -----------------------------------------------------------------------------------

// Feeds `bytes` in pieces of random sizes (1..max_piece), then finishes.
void feed_randomly(StreamScanner& s, std::string_view bytes, unsigned seed, std::size_t max_piece) {
    std::mt19937 rng(seed);
    while (!bytes.empty()) {
        const std::size_t n = std::min<std::size_t>(bytes.size(), 1 + rng() % max_piece);
        s.feed(bytes.substr(0, n));
        bytes.remove_prefix(n);
    }
    s.finish();
}

TEST_F(ScannerTest, StreamScannerEqualsFileScan) {
    Input in = generate(3000, 51);
    in.last_unterminated = true;
    in.lines.back() = Line{"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /end HTTP/1.1\" 503 0 \"-\" \"-\"", Kind::code, "503"};
    const std::string bytes = in.bytes();
    const std::string path = write("s.log", bytes);
    for (std::string format : {"combined", "auto"}) {
        ScanOptions o = options({path}, 1, 4096, 0, format);
        o.max_samples = logcodes::kDefaultMaxSamples;
        const ScanResult file = Scanner::run_blocking(o);
        for (unsigned seed : {1u, 2u, 3u}) {
            for (std::size_t max_piece : {std::size_t{1}, std::size_t{13}, std::size_t{5000}, std::size_t{200000}}) {
                if (max_piece == 1 && seed > 1) continue;
                SCOPED_TRACE(format + " seed " + std::to_string(seed) + " pieces up to " + std::to_string(max_piece));
                StreamScanner s(options_for(format, GroupSpec{{Dim::klass, Dim::code}, 3600}));
                feed_randomly(s, bytes, seed, max_piece);
                EXPECT_EQ(s.format_name(), "combined");
                EXPECT_EQ(rows_of(s.counts()), rows_of(file.counts));
                expect_stats_eq(s.stats(), file.stats);
            }
        }
        // And both equal the known answer.
        Expected want = expect(in, in.lines.size());
        want.stats.unparsed_samples.resize(logcodes::kDefaultMaxSamples);
        want.stats.invalid_samples.resize(logcodes::kDefaultMaxSamples);
        EXPECT_EQ(rows_of(file.counts), want.rows);
        expect_stats_eq(file.stats, want.stats, false);
    }
}

TEST_F(ScannerTest, StreamScannerAllSamplesLineNumbers) {
    const Input in = generate(2500, 53);
    const std::string bytes = in.bytes();
    const Expected want = expect(in, in.lines.size());
    StreamScanner s(options_for("auto", GroupSpec{{Dim::klass, Dim::code}, 3600}, logcodes::CountLevel::transactions, 16u << 20, 1000000));
    feed_randomly(s, bytes, 9, 777);
    EXPECT_EQ(rows_of(s.counts()), want.rows);
    expect_stats_eq(s.stats(), want.stats);
    EXPECT_EQ(s.stats().bytes, bytes.size());
}

TEST(StreamScanner, ShortInputDetectedAtFinish) {
    // Fewer lines than the detection sample: the format is decided by finish(), unterminated line included.
    const std::string bytes =
        "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\n"
        "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 404 1 \"-\" \"-\"";
    StreamScanner s(options_for("auto", GroupSpec{{Dim::klass, Dim::code}, 3600}));
    s.feed(bytes);
    EXPECT_EQ(s.stats().lines, 0u);  // held back until the format is known
    s.finish();
    EXPECT_EQ(s.format_name(), "combined");
    EXPECT_EQ(s.stats().lines, 2u);
    EXPECT_EQ(rows_of(s.counts()), (std::vector<CountRow>{{"2xx", 200, 1}, {"4xx", 404, 1}}));
}

TEST(StreamScanner, UnknownFormatThrows) {
    EXPECT_THROW(options_for("no_such_format", GroupSpec{{Dim::klass, Dim::code}, 3600}), std::invalid_argument);
}

// One SIP call: INVITE, 100, 180 sent twice (a retransmission), 486, and a response whose status is no SIP code.
std::string sip_call_trace() {
    const auto response = [](std::string_view status, std::string_view cseq) {
        return "SIP/2.0 " + std::string(status) +
               "\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n"
               "Call-ID: c1@x\r\nCSeq: " + std::string(cseq) + "\r\nContent-Length: 0\r\n\r\n";
    };
    return "INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\n"
           "To: <sip:b@x>\r\nCall-ID: c1@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" +
           response("100 Trying", "1 INVITE") + response("180 Ringing", "1 INVITE") +
           response("180 Ringing", "1 INVITE") + response("486 Busy Here", "1 INVITE") +
           response("700 Odd", "1 INVITE");
}

TEST(StreamScanner, SipRecordsAddUpAtEveryCountLevel) {
    using logcodes::CountLevel;
    const std::string bytes = sip_call_trace();
    for (CountLevel level : {CountLevel::messages, CountLevel::transactions, CountLevel::calls}) {
        StreamScanner s(options_for("sip_trace", GroupSpec{{Dim::code}, 3600}, level, 16u << 20, 5), "<sip>");
        s.feed(bytes);
        s.finish();
        const ScanStats& st = s.stats();
        const std::uint64_t counted = s.counts().counted();
        SCOPED_TRACE(static_cast<int>(level));
        EXPECT_EQ(st.total, 5u);
        EXPECT_EQ(st.invalid, 1u);
        EXPECT_EQ(st.requests, 1u);
        if (level == CountLevel::calls) {
            EXPECT_EQ(st.calls, 1u);
            EXPECT_EQ(counted, st.calls);
            EXPECT_EQ(st.call_responses, 4u);
            EXPECT_EQ(st.total, st.call_responses + st.filtered + st.invalid + st.unparsed);
        } else {
            EXPECT_EQ(st.call_responses, 0u);
            EXPECT_EQ(st.retransmissions, level == CountLevel::transactions ? 1u : 0u);
            EXPECT_EQ(st.total, counted + st.retransmissions + st.filtered + st.invalid + st.unparsed);
        }
    }
}

}  // namespace
// A run of lines the detected format does not read, ending at a piece's end, is decided as the whole input
// decides it whatever the cut: a stray JSON line among combined lines stays unparsed, a real change to JSON
// lines (a run longer than kChangeLines) is read as JSON on both sides of the cut.
TEST_F(ScannerTest, AFormatChangeAtAPiecesEndIsDecidedAsOneReaderDecides) {
    std::string stray, change;
    for (int i = 0; i < 120; ++i) {
        const std::string line = "10.0.0.1 - - [05/Dec/2026:10:00:00 +0000] \"GET /p" + std::to_string(i) +
                                 " HTTP/1.1\" 200 5 \"-\" \"ua\"\n";
        stray += line;
        change += line;
        if (i == 60) stray += "{\"status\":404,\"path\":\"/json\"}\n";
    }
    for (int i = 0; i < 40; ++i) change += "{\"status\":503,\"path\":\"/j" + std::to_string(i) + "\"}\n";
    for (const auto& [name, bytes] : {std::pair{"stray.log", stray}, std::pair{"change.log", change}}) {
        const std::string path = write(name, bytes);
        ScanResult one = Scanner::run_blocking(options({path}, 1, 4096, 1 << 20, "auto"));
        const auto want = rows_of(one.counts);
        ASSERT_FALSE(want.empty());
        // Every cut from one line before the stray line (or the change) to well past it.
        for (std::uint64_t min_range = 64; min_range < bytes.size() / 2; min_range += 29) {
            SCOPED_TRACE(std::string(name) + " min_range " + std::to_string(min_range));
            ScanResult r = Scanner::run_blocking(options({path}, 2, 97, min_range, "auto"));
            EXPECT_EQ(rows_of(r.counts), want);
            EXPECT_EQ(r.stats.unparsed, one.stats.unparsed);
            EXPECT_EQ(r.stats.lines, one.stats.lines);
        }
    }
}
