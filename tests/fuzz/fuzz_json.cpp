// JSON-lines formats: each preset, and formats compiled from a fuzzed field map (compile_json), read
// fuzzed lines through simdjson without crashing, and count every record once.
#include "fuzz_support.hpp"

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/json.hpp"

using namespace logcodes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const auto presets = json_formats();
    const std::uint8_t pick = fdp.ConsumeIntegral<std::uint8_t>();
    FormatPtr compiled;
    const Format* format = nullptr;
    if (pick < 192) {
        format = presets[pick % presets.size()].format;
    } else {
        // A user's field map: a few names, each with a few dotted paths.
        std::vector<std::pair<std::string, std::vector<std::string>>> fields;
        const int n = fdp.ConsumeIntegralInRange<int>(0, 6);
        for (int i = 0; i < n; ++i) {
            std::string name = fdp.ConsumeRandomLengthString(24);
            std::vector<std::string> paths;
            const int k = fdp.ConsumeIntegralInRange<int>(0, 3);
            for (int j = 0; j < k; ++j) paths.push_back(fdp.ConsumeRandomLengthString(300));
            fields.emplace_back(std::move(name), std::move(paths));
        }
        CompileResult res = compile_json(fields);
        if (!res) {
            FUZZ_CHECK(!res.error.empty());
            return 0;
        }
        compiled = res.format;
        format = compiled.get();
    }
    const std::size_t block = fdp.ConsumeIntegralInRange<std::size_t>(1, 8192);
    const std::string bytes = fdp.ConsumeRemainingBytesAsString();
    fuzz::scan_bytes(format, bytes, block, 1 << 16);
    return 0;
}
