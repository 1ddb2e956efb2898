// Every built-in format, named at the front of the input (or picked by a byte) through the registry, reads
// the rest as a log: no crash, no read outside the line and its padding, every record counted exactly once.
#include "fuzz_support.hpp"

#include "logcodes/formats/builtin.hpp"

using namespace logcodes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const BuiltinFormat& b = fuzz::pick_format(fdp);
    FUZZ_CHECK(find_format(b.name) == b.format);
    const std::size_t block = fdp.ConsumeIntegralInRange<std::size_t>(1, 8192);
    const std::size_t max_record = fdp.ConsumeIntegralInRange<std::size_t>(16, 8192);
    const std::string bytes = fdp.ConsumeRemainingBytesAsString();
    // (Detection over the same bytes is fuzzed by fuzz_stream, whose inputs detect their format half the time.)
    fuzz::scan_bytes(b.format, bytes, block, max_record);
    return 0;
}
