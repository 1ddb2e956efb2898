// Format-string compilers (nginx log_format, Apache LogFormat, Tomcat pattern, Envoy format): a fuzzed
// format string either compiles or is refused with a message pointing into it; a compiled format reads
// fuzzed lines like any other format.
#include "fuzz_support.hpp"

#include "logcodes/formats/compilers.hpp"

using namespace logcodes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const int which = fdp.ConsumeIntegralInRange<int>(0, 3);
    const std::string text = fdp.ConsumeRandomLengthString(512);
    CompileResult res;
    switch (which) {
        case 0: res = compile_nginx(text); break;
        case 1: res = compile_apache(text); break;
        case 2: res = compile_tomcat(text); break;
        default: res = compile_envoy(text); break;
    }
    if (!res) {
        FUZZ_CHECK(!res.error.empty());
        FUZZ_CHECK(res.position <= text.size());
        return 0;
    }
    FUZZ_CHECK(!res.format->name().empty());
    (void)res.format->field_names();
    const std::size_t block = fdp.ConsumeIntegralInRange<std::size_t>(1, 4096);
    const std::string lines = fdp.ConsumeRemainingBytesAsString();
    fuzz::scan_bytes(res.format.get(), lines, block, 1 << 16);
    return 0;
}
