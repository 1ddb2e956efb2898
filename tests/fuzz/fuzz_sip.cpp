// SIP: message traces (start line, headers, body by Content-Length, framing lines) and acc lines, read at
// each count level: no crash, every response counted, judged invalid or a retransmission exactly once.
#include "fuzz_support.hpp"

#include "logcodes/formats/sip.hpp"
#include "logcodes/sip_reason.hpp"

using namespace logcodes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const auto formats = sip_formats();
    const std::uint8_t pick = fdp.ConsumeIntegral<std::uint8_t>();
    const Format* format = formats[pick % formats.size()].format;
    const CountLevel level = static_cast<CountLevel>((pick / formats.size()) % 3);
    const std::size_t block = fdp.ConsumeIntegralInRange<std::size_t>(1, 8192);
    const std::size_t max_record = fdp.ConsumeIntegralInRange<std::size_t>(16, 1 << 16);
    const std::string bytes = fdp.ConsumeRemainingBytesAsString();

    const fuzz::ScanOutcome whole = fuzz::scan_bytes(format, bytes, block, max_record, level);
    // Where blocks end must not change what is counted.
    const fuzz::ScanOutcome again = fuzz::scan_bytes(format, bytes, 1 + block % 97, max_record, level);
    FUZZ_CHECK(whole.rows == again.rows);
    FUZZ_CHECK(whole.stats.total == again.stats.total && whole.stats.unparsed == again.stats.unparsed &&
               whole.stats.invalid == again.stats.invalid && whole.stats.requests == again.stats.requests);

    // Reading a message's lines ahead of the framer (as whole-file scans do) must count the same.
    const fuzz::ScanOutcome ahead = fuzz::scan_bytes(format, bytes, block, max_record, level, true);
    FUZZ_CHECK(whole.rows == ahead.rows);
    FUZZ_CHECK(whole.stats.total == ahead.stats.total && whole.stats.unparsed == ahead.stats.unparsed &&
               whole.stats.invalid == ahead.stats.invalid && whole.stats.requests == ahead.stats.requests &&
               whole.stats.lines == ahead.stats.lines && whole.stats.retransmissions == ahead.stats.retransmissions);

    // Reason header parsing on arbitrary text.
    const int cause = reason_cause(bytes.substr(0, 256), "Q.850");
    FUZZ_CHECK(cause >= 0);
    return 0;
}
