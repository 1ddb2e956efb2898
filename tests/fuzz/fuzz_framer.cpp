// LineFramer: whatever the bytes and wherever the blocks end, the lines handed out are exactly the input's
// lines (heads of over-long ones), at the right offsets, each followed by readable padding.
#include "fuzz_support.hpp"

using namespace logcodes;

namespace {

struct Line {
    std::string text;
    std::uint64_t offset;
    bool overlong;
    bool operator==(const Line&) const = default;
};

// The lines of `bytes` computed the obvious way.
std::vector<Line> reference(std::string_view bytes, std::size_t max_record) {
    std::vector<Line> out;
    std::size_t start = 0;
    while (start < bytes.size()) {
        const std::size_t nl = bytes.find('\n', start);
        const std::size_t end = nl == std::string_view::npos ? bytes.size() : nl;
        const bool over = end - start >= max_record;
        out.push_back({std::string(bytes.substr(start, over ? max_record : end - start)), start, over});
        start = end + 1;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const std::size_t block = fdp.ConsumeIntegralInRange<std::size_t>(1, 4096);
    const std::size_t max_record = fdp.ConsumeIntegralInRange<std::size_t>(1, 2048);
    const bool use_commit = fdp.ConsumeBool();
    // Piece sizes come from the input too: up to 16 cut points, the rest goes in one piece.
    std::vector<std::size_t> cuts;
    for (int i = 0; i < 16 && fdp.ConsumeBool(); ++i) cuts.push_back(fdp.ConsumeIntegralInRange<std::size_t>(0, 512));
    const std::string bytes = fdp.ConsumeRemainingBytesAsString();

    LineFramer framer(block, max_record);
    std::vector<Line> got;
    auto on_line = [&](const LineEvent& ev) {
        // Parsers may read kLinePadding bytes past any line.
        volatile char c = 0;
        for (std::size_t i = 0; i < kLinePadding; ++i) c = c + ev.text.data()[ev.text.size() + i];
        got.push_back({std::string(ev.text), ev.offset, ev.overlong});
        return true;
    };
    std::string_view rest(bytes);
    for (std::size_t i = 0; !rest.empty(); ++i) {
        const std::size_t n = i < cuts.size() ? std::min(cuts[i], rest.size()) : rest.size();
        if (use_commit) {
            // The zero-copy path: write into writable() directly, at most a block at a time.
            std::string_view piece = rest.substr(0, n);
            while (!piece.empty()) {
                auto area = framer.writable();
                FUZZ_CHECK(area.size() >= framer.block_size());
                const std::size_t k = std::min(piece.size(), area.size());
                std::memcpy(area.data(), piece.data(), k);
                piece.remove_prefix(k);
                FUZZ_CHECK(framer.commit(k, on_line));
            }
        } else {
            FUZZ_CHECK(framer.feed(rest.substr(0, n), on_line));
        }
        rest.remove_prefix(n);
        FUZZ_CHECK(framer.pending() < max_record);  // memory stays bounded whatever the input
    }
    framer.finish(on_line);
    FUZZ_CHECK(framer.pending() == 0);

    const std::vector<Line> want = reference(bytes, max_record);
    if (got != want) {
        std::fprintf(stderr, "framer: %zu lines, reference %zu\n", got.size(), want.size());
        for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i)
            if (!(got[i] == want[i]))
                std::fprintf(stderr, "line %zu: offset %llu/%llu size %zu/%zu overlong %d/%d\n", i,
                             static_cast<unsigned long long>(got[i].offset),
                             static_cast<unsigned long long>(want[i].offset), got[i].text.size(),
                             want[i].text.size(), got[i].overlong, want[i].overlong);
        __builtin_trap();
    }

    // A stopped framer hands out nothing more.
    LineFramer stopper(block, max_record);
    std::size_t seen = 0;
    stopper.feed(bytes, [&](const LineEvent&) { return ++seen < 2; });
    FUZZ_CHECK(seen <= 2);
    return 0;
}
