// Compressed files cut into pieces and decoded on several threads read exactly as with one decoder: the same
// bytes, the same error (kind, offset, message) for cut and broken files, whatever the pieces and threads.
#include "logcodes/compressed_pieces.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using logcodes::Compression;
using logcodes::Error;
using logcodes::ErrorKind;
using logcodes::InputInfo;
namespace fs = std::filesystem;

std::string sample_text(std::size_t lines, unsigned seed = 1) {
    std::mt19937 rng(seed);
    std::string s;
    for (std::size_t i = 0; i < lines; ++i)
        s += "10.0." + std::to_string(rng() % 256) + ".9 - - [10/Oct/2000:13:55:36 -0700] \"GET /item/" +
             std::to_string(rng()) + " HTTP/1.1\" " + std::to_string(200 + rng() % 4 * 100) + " 512\n";
    return s;
}

// A deflate stream: windowBits 15 + 16 is a gzip member, -15 raw deflate.
std::string deflate_bytes(std::string_view data, int window_bits, int level = 6) {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
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

std::string gzip_member(std::string_view data, int level = 6) { return deflate_bytes(data, 15 + 16, level); }

void put_le(std::string& s, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

// A BGZF member as bgzip writes one: FEXTRA with the 'BC' subfield holding the member size - 1.
std::string bgzf_member(std::string_view data) {
    const std::string body = deflate_bytes(data, -15);
    std::string m("\x1f\x8b\x08\x04\0\0\0\0\0\xff\x06\0BC\x02\0", 16);
    put_le(m, static_cast<std::uint32_t>(18 + body.size() + 8 - 1), 2);
    m += body;
    put_le(m, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()))), 4);
    put_le(m, static_cast<std::uint32_t>(data.size()), 4);
    return m;
}

std::string zstd_frame(std::string_view data, int level = 3) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
    EXPECT_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

// `text` cut into parts of `part` bytes, each compressed on its own and concatenated.
template <typename Compress>
std::string in_parts(std::string_view text, std::size_t part, Compress compress) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += part) out += compress(text.substr(i, part));
    return out;
}

struct Read {
    std::string bytes;
    Error error;
};

class CompressedPiecesTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::path(::testing::TempDir()) / "logcodes_pieces_XXXXXX").string();
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
    static Read read(const std::string& path, unsigned threads, std::uint64_t piece, std::size_t cap) {
        InputInfo info;
        EXPECT_FALSE(logcodes::probe_input(path, info));
        Error err;
        auto src = logcodes::open_input(info, err, logcodes::ParallelDecoding{threads, 4096, piece});
        EXPECT_NE(src, nullptr) << err.message;
        Read r;
        if (!src) return r;
        std::vector<char> buf(cap);
        std::uint64_t raw = 0;
        for (;;) {
            const std::size_t n = src->read(buf.data(), cap);
            // Progress: compressed bytes read, never back, never past the file's end.
            EXPECT_GE(src->raw_position(), raw);
            raw = src->raw_position();
            EXPECT_LE(raw, info.size);
            if (n == 0) break;
            r.bytes.append(buf.data(), n);
        }
        if (!src->error()) {
            EXPECT_EQ(raw, info.size);
        }
        r.error = src->error();
        char c;
        EXPECT_EQ(src->read(&c, 1), 0u);  // the end is sticky
        return r;
    }
    // Every thread count, piece size and read size gives what one decoder gives.
    void expect_same_as_one_decoder(const std::string& path) {
        const Read one = read(path, 1, 1u << 20, 65536);
        for (unsigned threads : {2u, 3u, 5u})
            for (std::uint64_t piece : {1ull, 300ull, 5000ull, 1ull << 20})
                for (std::size_t cap : {7u, 4096u, 100000u}) {
                    SCOPED_TRACE(path + ": threads " + std::to_string(threads) + ", piece " + std::to_string(piece) +
                                 ", cap " + std::to_string(cap));
                    const Read got = read(path, threads, piece, cap);
                    ASSERT_EQ(got.bytes.size(), one.bytes.size());
                    EXPECT_TRUE(got.bytes == one.bytes);
                    EXPECT_EQ(got.error.kind, one.error.kind) << got.error.message;
                    EXPECT_EQ(got.error.offset, one.error.offset);
                    EXPECT_EQ(got.error.message, one.error.message);
                    EXPECT_EQ(got.error.path, one.error.path);
                }
    }
    fs::path dir_;
};

TEST(ZstdWholeFrames, StopsAtTheWantedSizeAndAtAnIncompleteFrame) {
    const std::string a = zstd_frame(sample_text(50, 1)), b = zstd_frame(sample_text(60, 2)), c = zstd_frame("x");
    const std::string all = a + b + c;
    const auto* d = reinterpret_cast<const unsigned char*>(all.data());
    EXPECT_EQ(logcodes::zstd_whole_frames(d, all.size(), 1), a.size());
    EXPECT_EQ(logcodes::zstd_whole_frames(d, all.size(), a.size()), a.size());
    EXPECT_EQ(logcodes::zstd_whole_frames(d, all.size(), a.size() + 1), a.size() + b.size());
    EXPECT_EQ(logcodes::zstd_whole_frames(d, all.size(), SIZE_MAX), all.size());
    EXPECT_EQ(logcodes::zstd_whole_frames(d, all.size() - 1, SIZE_MAX), a.size() + b.size());  // c is cut
    EXPECT_EQ(logcodes::zstd_whole_frames(d, a.size() - 1, SIZE_MAX), 0u);
    const std::string junk = a + "not zstd at all";
    EXPECT_EQ(logcodes::zstd_whole_frames(reinterpret_cast<const unsigned char*>(junk.data()), junk.size(), SIZE_MAX),
              a.size());
}

TEST(GzipMembers, PlausibleHeadersAndBgzfSizes) {
    const std::string m = gzip_member("hello\n");
    const auto* d = reinterpret_cast<const unsigned char*>(m.data());
    EXPECT_TRUE(logcodes::plausible_gzip_member(d, m.size()));
    EXPECT_FALSE(logcodes::plausible_gzip_member(d, 9));  // too short to tell
    EXPECT_EQ(logcodes::bgzf_member_size(d, m.size()), 0u);
    std::string bad = m;
    bad[3] = '\x20';  // a reserved flag
    EXPECT_FALSE(logcodes::plausible_gzip_member(reinterpret_cast<const unsigned char*>(bad.data()), bad.size()));
    bad = m;
    bad[8] = 7;  // no such XFL
    EXPECT_FALSE(logcodes::plausible_gzip_member(reinterpret_cast<const unsigned char*>(bad.data()), bad.size()));
    const std::string b = bgzf_member(sample_text(10));
    EXPECT_EQ(logcodes::bgzf_member_size(reinterpret_cast<const unsigned char*>(b.data()), b.size()), b.size());
}

TEST(GzipMembers, PieceEndsAtAMemberStart) {
    const std::string a = gzip_member(sample_text(40, 1)), b = gzip_member(sample_text(40, 2)),
                      c = gzip_member(sample_text(40, 3));
    const std::string all = a + b + c;
    const auto* d = reinterpret_cast<const unsigned char*>(all.data());
    EXPECT_EQ(logcodes::gzip_piece_end(d, all.size(), 1), a.size());
    EXPECT_EQ(logcodes::gzip_piece_end(d, all.size(), a.size() + 1), a.size() + b.size());
    EXPECT_EQ(logcodes::gzip_piece_end(d, all.size(), SIZE_MAX), a.size() + b.size());  // the last start found
    EXPECT_EQ(logcodes::gzip_piece_end(d, a.size(), SIZE_MAX), 0u);                     // one member: no cut
    const std::string bg = bgzf_member(sample_text(30, 1)) + bgzf_member(sample_text(30, 2)) + bgzf_member("");
    const auto* g = reinterpret_cast<const unsigned char*>(bg.data());
    EXPECT_EQ(logcodes::gzip_piece_end(g, bg.size(), 1), bgzf_member(sample_text(30, 1)).size());
}

TEST_F(CompressedPiecesTest, MultiFrameZstd) {
    const std::string text = sample_text(20000);
    expect_same_as_one_decoder(write("frames.zst", in_parts(text, 50000, [](std::string_view s) { return zstd_frame(s); })));
    EXPECT_EQ(read(write("frames2.zst", in_parts(text, 7000, [](std::string_view s) { return zstd_frame(s); })), 4, 1000,
                   4096).bytes,
              text);
}

TEST_F(CompressedPiecesTest, SkippableFramesAsPzstdWritesThem) {
    // pzstd puts a skippable frame (magic 0x184D2A50, a 4-byte length, the content) before each frame.
    const std::string text = sample_text(8000);
    const std::string file = in_parts(text, 20000, [](std::string_view s) {
        return std::string("\x50\x2a\x4d\x18\x04\0\0\0\x01\x02\x03\x04", 12) + zstd_frame(s);
    });
    EXPECT_EQ(logcodes::sniff_compression(file), Compression::zstd);
    expect_same_as_one_decoder(write("pzstd.zst", file));
    EXPECT_EQ(read(write("pzstd2.zst", file), 3, 1, 4096).bytes, text);
}

TEST_F(CompressedPiecesTest, OneFrameZstdAndOneMemberGzip) {
    const std::string text = sample_text(20000);
    expect_same_as_one_decoder(write("one.zst", zstd_frame(text)));
    expect_same_as_one_decoder(write("one.gz", gzip_member(text)));
    expect_same_as_one_decoder(write("empty.gz", gzip_member("")));
    expect_same_as_one_decoder(write("empty.zst", zstd_frame("")));
}

TEST_F(CompressedPiecesTest, MultiMemberGzipAndBgzf) {
    const std::string text = sample_text(20000);
    const std::string members = in_parts(text, 40000, [](std::string_view s) { return gzip_member(s); });
    expect_same_as_one_decoder(write("members.gz", members));
    EXPECT_EQ(read(write("members2.gz", members), 4, 1, 4096).bytes, text);
    expect_same_as_one_decoder(
        write("bgzf.gz", in_parts(text, 65280, [](std::string_view s) { return bgzf_member(s); }) + bgzf_member("")));
    // Zero padding between members, as the one decoder tolerates it.
    const std::string a = gzip_member(sample_text(500, 1)), b = gzip_member(sample_text(500, 2));
    expect_same_as_one_decoder(write("padded.gz", a + std::string(16, '\0') + b + std::string(8, '\0')));
}

TEST_F(CompressedPiecesTest, AFalseMemberStartFallsBackToOneDecoder) {
    // Stored (level 0) data holding gzip members verbatim: their headers look like member starts of the
    // outer stream, but they lie inside its first member.
    const std::string inner = gzip_member(sample_text(300, 4)) + gzip_member(sample_text(300, 5));
    const std::string text = sample_text(3000, 1) + inner + sample_text(3000, 2);
    const std::string outer = gzip_member(text, 0) + gzip_member(sample_text(2000, 3));
    const std::string path = write("nested.gz", outer);
    expect_same_as_one_decoder(path);
    EXPECT_EQ(read(path, 3, 1, 4096).bytes, text + sample_text(2000, 3));
}

TEST_F(CompressedPiecesTest, CutFilesFailAlikeWithTheirOffsetAndDecodedCount) {
    const std::string text = sample_text(20000);
    const std::string gz = in_parts(text, 30000, [](std::string_view s) { return gzip_member(s); });
    const std::string zst = in_parts(text, 30000, [](std::string_view s) { return zstd_frame(s); });
    for (std::size_t keep : {gz.size() / 2, gz.size() - 1, gz.size() - 9, std::size_t{25}}) {
        expect_same_as_one_decoder(write("cut" + std::to_string(keep) + ".gz", gz.substr(0, keep)));
        const Read r = read((dir_ / ("cut" + std::to_string(keep) + ".gz")).string(), 3, 1000, 4096);
        EXPECT_EQ(r.error.kind, ErrorKind::truncated);
        EXPECT_EQ(r.error.offset, keep);
        EXPECT_NE(r.error.message.find("after " + std::to_string(r.bytes.size()) + " decoded bytes"), std::string::npos)
            << r.error.message;
    }
    for (std::size_t keep : {zst.size() / 2, zst.size() - 1, std::size_t{6}})
        expect_same_as_one_decoder(write("cut" + std::to_string(keep) + ".zst", zst.substr(0, keep)));
}

TEST_F(CompressedPiecesTest, BrokenFilesFailAlike) {
    const std::string text = sample_text(5000);
    const std::string gz = in_parts(text, 30000, [](std::string_view s) { return gzip_member(s); });
    const std::string zst = in_parts(text, 30000, [](std::string_view s) { return zstd_frame(s); });
    expect_same_as_one_decoder(write("trailing.gz", gz + "not gzip at all\n"));
    expect_same_as_one_decoder(write("trailing.zst", zst + "not zstd at all\n"));
    std::string badcrc = gz;
    const std::size_t first = gzip_member(std::string_view(text).substr(0, 30000)).size();
    badcrc[first - 6] = static_cast<char>(badcrc[first - 6] ^ 0x55);  // the first member's CRC-32
    expect_same_as_one_decoder(write("badcrc.gz", badcrc));
}

}  // namespace
