// gzip and zstd sources, through the same path as a file scan (probe_input, open_input). Two modes:
// arbitrary bytes behind a gzip or zstd magic must decode to data or end in a clean error, never a crash
// or a hang; and fuzzed text compressed here in several members/frames must decode back to exactly that
// text, or, cut short, to a prefix of it followed by an error. Both modes also decode in pieces on several
// threads (compressed_pieces.hpp) and must give the same bytes and the same error as one decoder.
#include "fuzz_support.hpp"

#include "logcodes/compressed_pieces.hpp"
#include "logcodes/pcap_source.hpp"

#include <zlib.h>
#include <zstd.h>

using namespace logcodes;

namespace {

struct Decoded {
    std::string text;
    Error error;
    bool opened = false;
};

// Reads the whole decoded input in reads of `cap` bytes, stopping after `limit` bytes (a tiny input can
// announce gigabytes: that is data, not a hang, but the fuzzer need not wait for it).
Decoded decode(std::string_view file, std::size_t cap, std::size_t limit, const ParallelDecoding& pieces = {}) {
    Decoded out;
    fuzz::MemFile mem(file);
    InputInfo info;
    FUZZ_CHECK(!probe_input(mem.path(), info));
    FUZZ_CHECK(info.is_regular && info.size == file.size());
    FUZZ_CHECK(info.compression == sniff_compression(file.substr(0, 4)));
    auto src = open_input(info, out.error, pieces);
    if (!src) {
        FUZZ_CHECK(static_cast<bool>(out.error));
        return out;
    }
    out.opened = true;
    std::vector<char> buf(cap);
    for (;;) {
        const std::size_t n = src->read(buf.data(), buf.size());
        FUZZ_CHECK(n <= cap);
        if (!info.capture) FUZZ_CHECK(src->raw_position() <= file.size());
        if (n == 0) break;
        out.text.append(buf.data(), n);
        if (out.text.size() >= limit) return out;
    }
    // The end is final: nothing more comes, and an error stays.
    const bool failed = static_cast<bool>(src->error());
    FUZZ_CHECK(src->read(buf.data(), buf.size()) == 0);
    FUZZ_CHECK(static_cast<bool>(src->error()) == failed);
    if (failed) FUZZ_CHECK(!src->error().message.empty());
    out.error = src->error();
    return out;
}

std::string zstd_frame(std::string_view text, int level) {
    std::string out(ZSTD_compressBound(text.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), level);
    FUZZ_CHECK(!ZSTD_isError(n));
    out.resize(n);
    return out;
}

// Whether the decompressed bytes begin a capture (read as the SIP it holds, not as the bytes themselves).
bool holds_capture(std::string_view file) {
    auto src = open_decoder(sniff_compression(file.substr(0, 4)),
                            std::make_unique<fuzz::MemorySource>(std::string(file)), "<fuzz>");
    std::string head(kCaptureHead, '\0');
    std::size_t have = 0;
    while (have < head.size()) {
        const std::size_t n = src->read(head.data() + have, head.size() - have);
        if (n == 0) break;
        have += n;
    }
    head.resize(have);
    return is_capture(head);
}

// One decoder and pieces on several threads read the same bytes and fail alike.
void expect_same_in_pieces(std::string_view file, std::size_t cap, std::size_t limit, const Decoded& one,
                           const ParallelDecoding& pieces) {
    const Decoded many = decode(file, cap, limit, pieces);
    const bool at_limit = one.text.size() >= limit || many.text.size() >= limit;
    if (one.error.kind == ErrorKind::corrupt || many.error.kind == ErrorKind::corrupt) {
        // Before a corrupt block a decoder may hold decoded bytes it has not handed over (igzip's own buffer
        // when the output space is small): how many come out depends on the reads' sizes, with one thread
        // too. Both readers still end in an error, and the text they agree on is a common prefix. A
        // capture's packets are not: one reader may see its header whole and the other not, or fail on a cut
        // packet record before it reaches the corruption.
        if (!at_limit) FUZZ_CHECK(one.error && many.error);
        if (holds_capture(file)) return;
        FUZZ_CHECK(one.opened && many.opened);
        const std::size_t n = std::min(one.text.size(), many.text.size());
        FUZZ_CHECK(one.text.compare(0, n, many.text, 0, n) == 0);
        return;
    }
    FUZZ_CHECK(many.opened == one.opened);
    if (at_limit) {  // stopped at the limit: the common part agrees
        const std::size_t n = std::min(one.text.size(), many.text.size());
        FUZZ_CHECK(one.text.compare(0, n, many.text, 0, n) == 0);
        return;
    }
    FUZZ_CHECK(many.error.kind == one.error.kind && many.error.offset == one.error.offset);
    FUZZ_CHECK(many.text == one.text);
    FUZZ_CHECK(many.error.message == one.error.message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const std::uint8_t mode = fdp.ConsumeIntegral<std::uint8_t>();
    const std::size_t cap = fdp.ConsumeIntegralInRange<std::size_t>(1, 1 << 16);
    const bool zstd = mode & 1;
    const ParallelDecoding pieces{fdp.ConsumeIntegralInRange<unsigned>(2, 4), 4096,
                                  fdp.ConsumeIntegralInRange<std::uint64_t>(1, 1 << 12)};

    if ((mode & 2) == 0) {
        // Arbitrary bytes behind the magic (or the bytes as they are).
        std::string file;
        if ((mode & 4) == 0) file = zstd ? std::string("\x28\xb5\x2f\xfd", 4) : std::string("\x1f\x8b\x08", 3);
        file += fdp.ConsumeRemainingBytesAsString();
        const Decoded one = decode(file, cap, 16u << 20);
        expect_same_in_pieces(file, cap, 16u << 20, one, pieces);
        return 0;
    }

    // Round trip: members/frames of fuzzed text, optionally cut short.
    std::string text, file;
    const int parts = fdp.ConsumeIntegralInRange<int>(1, 4);
    const std::size_t cut = fdp.ConsumeIntegral<std::uint16_t>();
    const bool truncate = fdp.ConsumeBool();
    for (int i = 0; i < parts; ++i) {
        const std::string part = i + 1 < parts ? fdp.ConsumeRandomLengthString(4096) : fdp.ConsumeRemainingBytesAsString();
        const int level = 1 + i % 9;
        file += zstd ? zstd_frame(part, level) : fuzz::gzip_member(part, level);
        text += part;
    }
    if (truncate && !file.empty()) file.resize(cut % file.size());
    const Decoded d = decode(file, cap, SIZE_MAX);
    expect_same_in_pieces(file, cap, SIZE_MAX, d, pieces);
    // Text that starts like a capture is read as one (a .pcap.gz): fuzz_pcap checks what comes out.
    if (is_capture(text)) return 0;
    if (!truncate) {
        FUZZ_CHECK(d.opened && !d.error);
        FUZZ_CHECK(d.text == text);
    } else if (sniff_compression(std::string_view(file).substr(0, 4)) == Compression::none) {
        // Cut inside the magic: no longer compressed, read as it is.
        FUZZ_CHECK(d.opened && !d.error && d.text == file);
    } else {
        // A cut stream gives a prefix of the text (an error says where it was cut, unless only whole
        // members/frames remained).
        FUZZ_CHECK(d.text.size() <= text.size() && text.compare(0, d.text.size(), d.text) == 0);
    }
    return 0;
}
