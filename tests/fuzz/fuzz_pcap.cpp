// Packet captures: libpcap reads the fuzzed capture from memory, our decoder pulls SIP out of
// Ethernet/VLAN/SLL/IP/IPv6/fragments/TCP/SCTP/WebSocket; the text it writes is read as a SIP trace.
#include "fuzz_support.hpp"

#include "logcodes/pcap_source.hpp"

using namespace logcodes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const std::size_t chunk = fdp.ConsumeIntegralInRange<std::size_t>(1, 1 << 16);
    const std::size_t cap = fdp.ConsumeIntegralInRange<std::size_t>(1, 1 << 16);
    std::string capture = fdp.ConsumeRemainingBytesAsString();

    Error err;
    auto src = open_capture(std::make_unique<fuzz::MemorySource>(std::move(capture), chunk), "<fuzz>", err);
    if (!src) {
        FUZZ_CHECK(static_cast<bool>(err));
        return 0;
    }
    // A capture of at most `size` bytes cannot turn into much more text than this: stop a runaway decoder.
    const std::size_t limit = 64 * size + (1 << 20);
    std::string text;
    std::vector<char> buf(cap);
    for (;;) {
        const std::size_t n = src->read(buf.data(), buf.size());
        FUZZ_CHECK(n <= buf.size());
        if (n == 0) break;
        text.append(buf.data(), n);
        FUZZ_CHECK(text.size() <= limit);
    }
    FUZZ_CHECK(src->skipped_packets() <= src->packets());
    const Format* trace = find_format("sip_trace");
    FUZZ_CHECK(trace != nullptr);
    fuzz::scan_bytes(trace, text, 1 << 16, 16u << 20);
    return 0;
}
