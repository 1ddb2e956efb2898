// JSON-lines formats: each preset, and formats compiled from a fuzzed field map (compile_json), read
// fuzzed lines through simdjson without crashing, and count every record once.
//
// Differential half (first byte 240 or more): one fuzzed line is read by the nginx_json preset (simdjson
// On-Demand, fields visited once) and by simdjson's DOM parser, a second reader that validates the whole
// document. When the DOM finds a valid object with exactly one top-level "status" that is a string or an
// integer, the preset must read a record whose status is that value.
#include <charconv>
#include <simdjson.h>

#include "fuzz_support.hpp"

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/json.hpp"

using namespace logcodes;

namespace {

void against_dom(const std::string& bytes) {
    const std::string line = bytes.substr(0, bytes.find('\n'));
    const std::size_t open = line.find('{');
    if (open == std::string::npos) return;
    // The preset skips a prefix before the first '{' (syslog headers, "caddy | "): the DOM reads from there.
    const std::string_view object(line.data() + open, line.size() - open);
    static simdjson::dom::parser dom;
    simdjson::dom::object obj;
    if (dom.parse(simdjson::padded_string(object)).get_object().get(obj) != simdjson::SUCCESS) return;
    int seen = 0;
    simdjson::dom::element status;
    for (auto field : obj)
        if (field.key == "status") ++seen, status = field.value;
    if (seen != 1) return;
    std::string expected;
    if (std::string_view s; status.get_string().get(s) == simdjson::SUCCESS) {
        expected = s;
    } else if (std::int64_t n; status.is_int64() && status.get_int64().get(n) == simdjson::SUCCESS) {
        expected = std::to_string(n);
    } else {
        return;
    }
    const Format* format = find_format("nginx_json");
    FUZZ_CHECK(format != nullptr);
    auto parser = format->make_parser();
    std::string padded = line;
    padded.append(kLinePadding, '\0');
    Record r;
    FUZZ_CHECK(parser->parse(std::string_view(padded.data(), line.size()), r) == ParseResult::record);
    if (status.is_string()) {
        FUZZ_CHECK(r.status == expected);
    } else {
        // Numbers are taken as written: "200", or "-0", "2000" ... compare the value, not the spelling.
        std::int64_t got = 0;
        const auto [end, ec] = std::from_chars(r.status.data(), r.status.data() + r.status.size(), got);
        FUZZ_CHECK(ec == std::errc() && end == r.status.data() + r.status.size());
        FUZZ_CHECK(std::to_string(got) == expected);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const auto presets = json_formats();
    const std::uint8_t pick = fdp.ConsumeIntegral<std::uint8_t>();
    if (pick >= 240) {
        against_dom(fdp.ConsumeRemainingBytesAsString());
        return 0;
    }
    FormatPtr compiled;
    const Format* format = nullptr;
    if (pick < 176) {
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
