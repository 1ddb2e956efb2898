// Every envelope, around every built-in format: the envelope peels each line without reading outside the
// line and its padding, what it peels lies in the line or in the parser's scratch, and a wrapped format
// counts every record exactly once (cut lines joined, bad envelopes unparsed).
#include "fuzz_support.hpp"

#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/envelope.hpp"

using namespace logcodes;

namespace {

bool inside(std::string_view part, std::string_view whole) noexcept {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const auto all = envelopes();
    const Envelope& envelope = *all[fdp.ConsumeIntegral<std::uint8_t>() % all.size()];
    const BuiltinFormat& b = fuzz::pick_format(fdp);
    const std::size_t block = fdp.ConsumeIntegralInRange<std::size_t>(1, 8192);
    const std::size_t max_record = fdp.ConsumeIntegralInRange<std::size_t>(16, 8192);
    const std::string bytes = fdp.ConsumeRemainingBytesAsString();

    // Each line alone, padded as the framer pads it.
    std::string scratch;
    for (std::size_t at = 0; at <= bytes.size();) {
        const std::size_t nl = bytes.find('\n', at);
        const std::size_t end = nl == std::string::npos ? bytes.size() : nl;
        std::string padded = bytes.substr(at, end - at);
        const std::size_t n = padded.size();
        padded.append(kLinePadding, '\0');
        const std::string_view line(padded.data(), n);
        Peeled p;
        if (envelope.peel(line, p, scratch)) {
            const std::string_view own(scratch);
            FUZZ_CHECK(inside(p.line, line) || inside(p.line, own));
            for (const std::string_view v : {p.time, p.host, p.stream, p.app}) FUZZ_CHECK(inside(v, line) || inside(v, own));
            FUZZ_CHECK(!p.partial || envelope.joins());
        }
        if (nl == std::string::npos) break;
        at = nl + 1;
    }

    const Format* wrapped = wrapped_format(envelope, *b.format);
    FUZZ_CHECK(find_format(std::string(envelope.name()) + "+" + std::string(b.name)) == wrapped);
    fuzz::scan_bytes(wrapped, bytes, block, max_record);
    return 0;
}
