#include "logcodes/source.hpp"
#include "logcodes/pcap_source.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using logcodes::Compression;
using logcodes::Error;
using logcodes::ErrorKind;
using logcodes::InputInfo;
using logcodes::Source;

namespace fs = std::filesystem;

// Log-like text with enough randomness that it does not compress to almost nothing.
std::string sample_text(std::size_t lines, unsigned seed = 1) {
    std::mt19937 rng(seed);
    std::string s;
    for (std::size_t i = 0; i < lines; ++i) {
        s += "10.0." + std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) +
             " - - [10/Oct/2000:13:55:36 -0700] \"GET /item/" + std::to_string(rng()) + "?q=" +
             std::to_string(rng()) + " HTTP/1.1\" " + std::to_string(200 + rng() % 4 * 100) + " " +
             std::to_string(rng() % 100000) + "\n";
    }
    return s;
}

std::string gzip_bytes(std::string_view data) {
    // gzip wrapper (windowBits 15 + 16) through deflate, so the member is produced in memory.
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

std::string zstd_bytes(std::string_view data, int level = 3) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
    EXPECT_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

class SourceTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::path(::testing::TempDir()) / "logcodes_source_XXXXXX").string();
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
    // Writes `data` with zlib's own gzip file API.
    std::string write_gz_with_gzwrite(const std::string& name, std::string_view data) {
        const std::string path = (dir_ / name).string();
        gzFile g = gzopen(path.c_str(), "wb");
        EXPECT_NE(g, nullptr);
        EXPECT_EQ(gzwrite(g, data.data(), static_cast<unsigned>(data.size())), static_cast<int>(data.size()));
        EXPECT_EQ(gzclose(g), Z_OK);
        return path;
    }
    fs::path dir_;
};

InputInfo probe_ok(const std::string& path) {
    InputInfo info;
    const Error e = logcodes::probe_input(path, info);
    EXPECT_FALSE(e) << e.message;
    return info;
}

// Reads a source to its end with reads of at most `cap` bytes.
std::string read_all(Source& src, std::size_t cap) {
    std::string out;
    std::vector<char> buf(cap);
    for (;;) {
        const std::size_t n = src.read(buf.data(), cap);
        EXPECT_LE(n, cap);
        if (n == 0) break;
        out.append(buf.data(), n);
    }
    return out;
}

// Opens `path` whole and reads it with each capacity, expecting `want` and no error.
void expect_reads_as(const std::string& path, std::string_view want, Compression c) {
    const InputInfo info = probe_ok(path);
    EXPECT_EQ(info.compression, c);
    EXPECT_TRUE(info.is_regular);
    EXPECT_FALSE(info.is_stdin);
    EXPECT_EQ(info.path, path);
    for (std::size_t cap : {1u, 2u, 7u, 100u, 4096u, 65537u, 1u << 20}) {
        if (cap == 1 && want.size() > 200000) continue;  // byte-wise reads of large inputs only slow the test
        SCOPED_TRACE("cap " + std::to_string(cap));
        Error err;
        auto src = logcodes::open_input(info, err);
        ASSERT_NE(src, nullptr) << err.message;
        const std::string got = read_all(*src, cap);
        EXPECT_FALSE(src->error()) << src->error().message;
        ASSERT_EQ(got.size(), want.size());
        EXPECT_TRUE(got == want);
        // The end is sticky.
        char c1;
        EXPECT_EQ(src->read(&c1, 1), 0u);
    }
}

TEST(SniffCompression, MagicBytes) {
    using logcodes::sniff_compression;
    EXPECT_EQ(sniff_compression(std::string_view("\x1f\x8b", 2)), Compression::gzip);
    EXPECT_EQ(sniff_compression(std::string_view("\x1f\x8b\x08\x00", 4)), Compression::gzip);
    EXPECT_EQ(sniff_compression(std::string_view("\x28\xb5\x2f\xfd", 4)), Compression::zstd);
    EXPECT_EQ(sniff_compression(std::string_view("\x28\xb5\x2f", 3)), Compression::none);
    EXPECT_EQ(sniff_compression(std::string_view("\x1f", 1)), Compression::none);
    EXPECT_EQ(sniff_compression(""), Compression::none);
    EXPECT_EQ(sniff_compression("127.0.0.1 - -"), Compression::none);
    EXPECT_EQ(sniff_compression(std::string_view("\x8b\x1f", 2)), Compression::none);
    EXPECT_EQ(logcodes::compression_name(Compression::none), "none");
    EXPECT_EQ(logcodes::compression_name(Compression::gzip), "gzip");
    EXPECT_EQ(logcodes::compression_name(Compression::zstd), "zstd");
}

TEST_F(SourceTest, PlainFile) {
    const std::string text = sample_text(3000);
    const std::string path = write("plain.log", text);
    const InputInfo info = probe_ok(path);
    EXPECT_EQ(info.size, text.size());
    EXPECT_FALSE(info.capture);
    expect_reads_as(path, text, Compression::none);
}

TEST_F(SourceTest, EmptyFile) {
    const std::string path = write("empty.log", "");
    const InputInfo info = probe_ok(path);
    EXPECT_EQ(info.size, 0u);
    expect_reads_as(path, "", Compression::none);
}

TEST_F(SourceTest, CompressionIsSniffedNotTakenFromTheName) {
    const std::string text = sample_text(50);
    expect_reads_as(write("looks_plain.log", gzip_bytes(text)), text, Compression::gzip);
    expect_reads_as(write("looks_gzip.gz", text), text, Compression::none);
}

TEST_F(SourceTest, GzipWrittenByZlib) {
    const std::string text = sample_text(5000);
    const std::string path = write_gz_with_gzwrite("a.log.gz", text);
    expect_reads_as(path, text, Compression::gzip);
}

TEST_F(SourceTest, GzipRawPositionReachesTheFileSize) {
    const std::string text = sample_text(5000);
    const std::string gz = gzip_bytes(text);
    const std::string path = write("pos.gz", gz);
    Error err;
    auto src = logcodes::open_input(probe_ok(path), err);
    ASSERT_NE(src, nullptr);
    EXPECT_EQ(read_all(*src, 4096).size(), text.size());
    EXPECT_EQ(src->raw_position(), gz.size());
}

TEST_F(SourceTest, GzipOfTwoConcatenatedMembers) {
    const std::string a = sample_text(2000, 1);
    const std::string b = sample_text(1500, 2);
    expect_reads_as(write("two.gz", gzip_bytes(a) + gzip_bytes(b)), a + b, Compression::gzip);
    // Many small members, an empty one among them.
    std::string many, want;
    for (int i = 0; i < 20; ++i) {
        const std::string part = i == 7 ? std::string() : sample_text(static_cast<std::size_t>(i + 1), static_cast<unsigned>(i));
        many += gzip_bytes(part);
        want += part;
    }
    expect_reads_as(write("many.gz", many), want, Compression::gzip);
}

TEST_F(SourceTest, GzipZeroPaddingBetweenMembersIsTolerated) {
    const std::string a = sample_text(100, 3);
    const std::string b = sample_text(100, 4);
    const std::string padded = gzip_bytes(a) + std::string(16, '\0') + gzip_bytes(b) + std::string(8, '\0');
    expect_reads_as(write("padded.gz", padded), a + b, Compression::gzip);
}

TEST_F(SourceTest, EmptyGzip) { expect_reads_as(write("empty.gz", gzip_bytes("")), "", Compression::gzip); }

TEST_F(SourceTest, Zstd) {
    const std::string text = sample_text(5000);
    expect_reads_as(write("a.log.zst", zstd_bytes(text)), text, Compression::zstd);
}

TEST_F(SourceTest, ZstdOfTwoFrames) {
    const std::string a = sample_text(2000, 5);
    const std::string b = sample_text(10, 6);
    expect_reads_as(write("two.zst", zstd_bytes(a) + zstd_bytes(b, 19)), a + b, Compression::zstd);
}

TEST_F(SourceTest, ZstdHighlyCompressible) {
    // A tiny file that decodes to much more than one read: the decoder must be drained between reads.
    const std::string text(3u << 20, 'x');
    expect_reads_as(write("zeros.zst", zstd_bytes(text)), text, Compression::zstd);
    expect_reads_as(write("zeros.gz", gzip_bytes(text)), text, Compression::gzip);
}

// Reads a broken compressed file: returns the decoded bytes before the error and the error.
std::string read_until_error(const std::string& path, std::size_t cap, Error& out) {
    const InputInfo info = probe_ok(path);
    Error err;
    auto src = logcodes::open_input(info, err);
    EXPECT_NE(src, nullptr) << err.message;
    if (!src) return {};
    std::string got = read_all(*src, cap);
    out = src->error();
    return got;
}

TEST_F(SourceTest, TruncatedGzip) {
    const std::string text = sample_text(20000);
    const std::string gz = gzip_bytes(text);
    ASSERT_GT(gz.size(), 100000u);
    for (std::size_t keep : {gz.size() / 2, gz.size() - 4, gz.size() - 1, std::size_t{20}}) {
        SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(gz.size()));
        const std::string path = write("cut.gz", std::string_view(gz).substr(0, keep));
        for (std::size_t cap : {7u, 65536u}) {
            Error err;
            const std::string got = read_until_error(path, cap, err);
            EXPECT_EQ(err.kind, ErrorKind::truncated) << err.message;
            EXPECT_EQ(err.path, path);
            EXPECT_GT(err.offset, 0u);
            EXPECT_LE(err.offset, keep);
            EXPECT_FALSE(err.message.empty());
            EXPECT_TRUE(std::string_view(text).starts_with(got)) << "decoded bytes are not a prefix";
            if (keep == gz.size() / 2) {
                EXPECT_GT(got.size(), 0u);
            }
        }
    }
}

TEST_F(SourceTest, TruncatedSecondGzipMember) {
    const std::string a = sample_text(1000, 1);
    const std::string b = sample_text(1000, 2);
    const std::string gb = gzip_bytes(b);
    const std::string path = write("cut2.gz", gzip_bytes(a) + gb.substr(0, gb.size() / 2));
    Error err;
    const std::string got = read_until_error(path, 4096, err);
    EXPECT_EQ(err.kind, ErrorKind::truncated) << err.message;
    EXPECT_GE(got.size(), a.size());
    EXPECT_TRUE(std::string_view(a + b).starts_with(got));
}

TEST_F(SourceTest, TruncatedZstd) {
    const std::string text = sample_text(20000);
    const std::string zst = zstd_bytes(text);
    ASSERT_GT(zst.size(), 100000u);
    for (std::size_t keep : {zst.size() / 2, zst.size() - 1, std::size_t{6}}) {
        SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(zst.size()));
        const std::string path = write("cut.zst", std::string_view(zst).substr(0, keep));
        for (std::size_t cap : {7u, 65536u}) {
            Error err;
            const std::string got = read_until_error(path, cap, err);
            EXPECT_EQ(err.kind, ErrorKind::truncated) << err.message;
            EXPECT_EQ(err.path, path);
            EXPECT_GT(err.offset, 0u);
            EXPECT_LE(err.offset, keep);
            EXPECT_TRUE(std::string_view(text).starts_with(got)) << "decoded bytes are not a prefix";
        }
    }
}

TEST_F(SourceTest, CorruptGzip) {
    const std::string text = sample_text(3000);
    const std::string gz = gzip_bytes(text);
    {
        std::string bad = gz;
        bad[gz.size() - 6] = static_cast<char>(bad[gz.size() - 6] ^ 0x55);  // the CRC-32 in the trailer
        Error err;
        read_until_error(write("badcrc.gz", bad), 4096, err);
        EXPECT_EQ(err.kind, ErrorKind::corrupt) << err.message;
        EXPECT_FALSE(err.path.empty());
    }
    {
        std::string bad = gz;
        bad[2] = 7;  // compression method: only 8 (deflate) exists
        Error err;
        read_until_error(write("badmethod.gz", bad), 4096, err);
        EXPECT_EQ(err.kind, ErrorKind::corrupt) << err.message;
    }
    {
        // Something that is not gzip after a complete member.
        Error err;
        const std::string got = read_until_error(write("trailing.gz", gz + "not gzip at all\n"), 4096, err);
        EXPECT_EQ(err.kind, ErrorKind::corrupt) << err.message;
        EXPECT_EQ(got, text);
    }
}

TEST_F(SourceTest, CorruptZstd) {
    const std::string text = sample_text(300);
    Error err;
    read_until_error(write("trailing.zst", zstd_bytes(text) + "garbage after the frame"), 4096, err);
    EXPECT_EQ(err.kind, ErrorKind::corrupt) << err.message;
}

TEST_F(SourceTest, ProbeMissingPath) {
    InputInfo info;
    const std::string path = (dir_ / "does_not_exist.log").string();
    const Error e = logcodes::probe_input(path, info);
    EXPECT_EQ(e.kind, ErrorKind::not_found);
    EXPECT_EQ(e.path, path);
    EXPECT_FALSE(e.message.empty());
    // A path through a regular file is missing as well.
    const std::string file = write("file.log", "x\n");
    EXPECT_EQ(logcodes::probe_input(file + "/inside", info).kind, ErrorKind::not_found);
}

TEST_F(SourceTest, ProbeDirectory) {
    InputInfo info;
    const Error e = logcodes::probe_input(dir_.string(), info);
    EXPECT_EQ(e.kind, ErrorKind::is_directory);
    EXPECT_EQ(e.path, dir_.string());
}

TEST_F(SourceTest, ProbeStdin) {
    InputInfo info;
    EXPECT_FALSE(logcodes::probe_input("-", info));
    EXPECT_TRUE(info.is_stdin);
    EXPECT_FALSE(info.is_regular);
}

TEST_F(SourceTest, OpenFileRangeReadsExactlyTheRange) {
    const std::string text = sample_text(500);
    const std::string path = write("range.log", text);
    const InputInfo info = probe_ok(path);
    struct Case {
        std::uint64_t begin, end;
    };
    const std::uint64_t size = text.size();
    for (const Case& c : {Case{0, 10}, Case{10, 50}, Case{1, 2}, Case{100, 100}, Case{size - 5, size},
                          Case{size - 5, size + 1000}, Case{0, UINT64_MAX}, Case{size, size + 10}}) {
        for (std::size_t cap : {1u, 3u, 4096u}) {
            SCOPED_TRACE(std::to_string(c.begin) + ".." + std::to_string(c.end) + " cap " + std::to_string(cap));
            Error err;
            auto src = logcodes::open_file_range(info, c.begin, c.end, err);
            ASSERT_NE(src, nullptr) << err.message;
            EXPECT_EQ(src->raw_position(), c.begin);
            const std::string got = read_all(*src, cap);
            const std::uint64_t stop = std::min<std::uint64_t>(c.end, size);
            EXPECT_EQ(got, text.substr(c.begin, stop - c.begin));
            EXPECT_FALSE(src->error());
            EXPECT_EQ(src->raw_position(), stop);
        }
    }
}

TEST_F(SourceTest, OpenFileRangeOfMissingFile) {
    InputInfo info;
    info.path = (dir_ / "gone.log").string();
    info.is_regular = true;
    Error err;
    EXPECT_EQ(logcodes::open_file_range(info, 0, 10, err), nullptr);
    EXPECT_EQ(err.kind, ErrorKind::not_found);
    Error err2;
    EXPECT_EQ(logcodes::open_input(info, err2), nullptr);
    EXPECT_EQ(err2.kind, ErrorKind::not_found);
}

TEST_F(SourceTest, OpenFileIsSharedByRangesAndOutlivesItsName) {
    const std::string text = sample_text(500);
    const std::string path = write("shared.log", text);
    Error err;
    const logcodes::OpenFile file = logcodes::open_file(path, err);
    ASSERT_TRUE(file.is_open()) << err.message;
    auto first = logcodes::open_file_range(file, path, 0, 100);
    std::filesystem::remove(path);  // rotated away or deleted while it is scanned
    auto second = logcodes::open_file_range(file, path, 100, UINT64_MAX);
    EXPECT_EQ(read_all(*first, 7), text.substr(0, 100));
    EXPECT_EQ(read_all(*second, 4096), text.substr(100));
    EXPECT_FALSE(first->error());
    EXPECT_FALSE(second->error());

    Error missing;
    EXPECT_FALSE(logcodes::open_file(path, missing).is_open());
    EXPECT_EQ(missing.kind, ErrorKind::not_found);
}

TEST_F(SourceTest, ReadHeadDecodes) {
    const std::string text = sample_text(2000);
    std::string head;
    EXPECT_FALSE(logcodes::read_head(probe_ok(write("h.gz", gzip_bytes(text))), 1000, head));
    EXPECT_EQ(head, text.substr(0, 1000));
    EXPECT_FALSE(logcodes::read_head(probe_ok(write("h.zst", zstd_bytes(text))), 70000, head));
    EXPECT_EQ(head, text.substr(0, 70000));
    EXPECT_FALSE(logcodes::read_head(probe_ok(write("small.log", "abc\n")), 1000, head));
    EXPECT_EQ(head, "abc\n");
}

TEST_F(SourceTest, PipeIsSniffedFromItsFirstBytes) {
    // A pipe cannot be probed for its size or magic: open_input sniffs and hands the head back.
    const std::string text = sample_text(40);
    const std::string gz = gzip_bytes(text);
    ASSERT_LT(gz.size(), 60000u);  // fits the pipe buffer: written whole before reading
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ASSERT_EQ(::write(fds[1], gz.data(), gz.size()), static_cast<ssize_t>(gz.size()));
    ::close(fds[1]);
    InputInfo info;
    info.path = "/proc/self/fd/" + std::to_string(fds[0]);
    info.is_regular = false;
    Error err;
    auto src = logcodes::open_input(info, err);
    ::close(fds[0]);  // open_input opened its own descriptor
    ASSERT_NE(src, nullptr) << err.message;
    EXPECT_EQ(read_all(*src, 5), text);
    EXPECT_FALSE(src->error());
}

// A capture of `packets` Ethernet frames (not IP: counted and skipped), in little-endian pcap.
std::string pcap_of(std::size_t packets, std::size_t frame) {
    auto le32 = [](std::string& s, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) s += static_cast<char>(v >> (8 * i) & 0xff);
    };
    std::string s("\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8);
    le32(s, 0), le32(s, 0), le32(s, 65535), le32(s, 1);
    for (std::size_t i = 0; i < packets; ++i) {
        le32(s, 1000 + static_cast<std::uint32_t>(i)), le32(s, 0);
        le32(s, static_cast<std::uint32_t>(frame)), le32(s, static_cast<std::uint32_t>(frame));
        s += std::string(frame, static_cast<char>('a' + i % 26));
    }
    return s;
}

// A cut or corrupt capture names the byte where its failing packet record starts: in the file, or, for a
// compressed capture, in the decompressed bytes (the message says which); the same with one decoding
// thread or several, whatever the read sizes.
TEST_F(SourceTest, CaptureErrorNamesTheFailingRecord) {
    const std::size_t packets = 3000, frame = 100, bad = 24 + packets * (16 + frame);
    const std::string good = pcap_of(packets, frame);
    std::string corrupt = good;
    corrupt += std::string("\x01\0\0\0\0\0\0\0\0\0\0\xa0\0\0\0\xa0", 16);  // caplen far beyond the snaplen
    const std::string cut = pcap_of(packets + 1, frame).substr(0, bad + 16 + frame / 2);
    std::string members;  // several gzip members, so that they decode in pieces
    for (std::size_t at = 0; at < cut.size(); at += 50000) members += gzip_bytes(std::string_view(cut).substr(at, 50000));
    struct Case {
        std::string name, bytes;
        bool compressed;
    };
    for (const Case& c : {Case{"corrupt.pcap", corrupt, false}, Case{"cut.pcap", cut, false},
                          Case{"corrupt.pcap.gz", gzip_bytes(corrupt), true}, Case{"cut.pcap.zst", zstd_bytes(cut), true},
                          Case{"members.pcap.gz", members, true}}) {
        const InputInfo info = probe_ok(write(c.name, c.bytes));
        for (unsigned threads : {1u, 2u, 3u}) {
            for (std::size_t cap : {7u, 65536u}) {
                SCOPED_TRACE(c.name + ", threads " + std::to_string(threads) + ", reads of " + std::to_string(cap));
                Error err;
                auto src = logcodes::open_input(info, err, logcodes::ParallelDecoding{threads, 4096, 4096});
                ASSERT_NE(src, nullptr) << err.message;
                read_all(*src, cap);
                const Error& e = src->error();
                EXPECT_EQ(e.kind, ErrorKind::truncated) << e.message;
                EXPECT_EQ(e.offset, bad);
                EXPECT_EQ(e.path, info.path);
                EXPECT_EQ(e.message.find("of the decompressed capture") != std::string::npos, c.compressed) << e.message;
                EXPECT_EQ(src->packets(), packets);
            }
        }
    }
}

}  // namespace

// A text log that happens to begin with a capture's magic is read as text: where the head holds more bytes,
// they must go on as a pcap header (version 2.x) or a pcapng Section Header Block (byte-order magic) does.
TEST(CaptureSniff, MagicAloneIsNotACapture) {
    using logcodes::is_capture;
    EXPECT_TRUE(is_capture(std::string("\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0", 12)));   // pcap, little-endian
    EXPECT_TRUE(is_capture(std::string("\xa1\xb2\xc3\xd4\x00\x02\x00\x04\0\0\0\0", 12)));   // pcap, big-endian
    EXPECT_TRUE(is_capture(std::string("\x4d\x3c\xb2\xa1\x02\x00\x04\x00\0\0\0\0", 12)));   // nanosecond pcap
    EXPECT_TRUE(is_capture(std::string("\x0a\x0d\x0d\x0a\x1c\0\0\0\x4d\x3c\x2b\x1a", 12)));  // pcapng
    EXPECT_FALSE(is_capture(std::string("M<\xb2\xa1\n1.2.3.4 -", 12)));   // a log line behind the magic
    EXPECT_FALSE(is_capture(std::string("\x0a\x0d\x0d\x0a" "GET / HTTP", 14)));
    EXPECT_FALSE(is_capture(std::string("\xd4\xc3\xb2\xa1", 4)));        // too short to hold a packet: text
    EXPECT_FALSE(is_capture("abc"));
}
