// Error-log readers (nginx, Apache, Tomcat, PHP, Python): multi-line events from fuzzed text become
// events with readable fields, and an access-log error can be explained against them without crashing.
#include "fuzz_support.hpp"

#include "logcodes/correlate.hpp"
#include "logcodes/formats/error_logs.hpp"
#include "logcodes/rules.hpp"

using namespace logcodes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    const Format* format = error_log_formats()[0].format;
    const std::size_t block = fdp.ConsumeIntegralInRange<std::size_t>(1, 8192);
    // An access-log record to explain: its fields come from the input too.
    const std::string target = fdp.ConsumeRandomLengthString(128);
    const std::string time = fdp.ConsumeRandomLengthString(40);
    const std::string request_id = fdp.ConsumeRandomLengthString(40);
    const int code = fdp.ConsumeIntegralInRange<int>(400, 599);
    const std::int64_t window_ms = fdp.ConsumeIntegralInRange<std::int64_t>(0, 3600000);
    const std::string bytes = fdp.ConsumeRemainingBytesAsString();

    const fuzz::ScanOutcome out = fuzz::scan_bytes(format, bytes, block, 1 << 16);
    FUZZ_CHECK(out.stats.total == out.stats.unparsed);  // an error log has events, never responses

    // The same events through a store that joins them with an access-log error.
    static const std::unique_ptr<RuleSet> rules = [] {
        Error err;
        return RuleSet::compile({{"upstream_refused", "", "Connection refused", {"5xx"}, {}},
                                 {"null_pointer_exception", "", "NullPointerException", {"5xx"}, {}},
                                 {"file_not_found", "", "No such file", {"404"}, {}}},
                                err);
    }();
    EventStore store(rules.get(), window_ms);
    auto parser = format->make_parser();
    Record r;
    LineFramer framer(block, 1 << 16);
    std::uint64_t line = 0;
    auto on_line = [&](const LineEvent& ev) {
        ++line;
        if (!ev.overlong && parser->parse(ev.text, r) == ParseResult::record && r.kind == RecordKind::event)
            store.add(r, 0, line);
        return true;
    };
    framer.feed(bytes, on_line);
    framer.finish(on_line);
    r.clear();
    if (parser->flush(r) && r.kind == RecordKind::event) store.add(r, 0, line);
    // Notices no rule names are not kept, and one request's lines become one event: never more than read.
    FUZZ_CHECK(store.size() <= out.stats.events);
    store.finish();

    Record access;
    access.target = target;
    access.time = time;
    access.time_syntax = TimeSyntax::any;
    access.request_id = request_id;
    access.status = "500";
    // Each event explains one request at most: claims for the same request run out after size() of them.
    std::size_t claimed = 0;
    for (std::size_t i = 0; i <= store.size(); ++i) {
        Explanation why;
        if (!store.claim(access, code, why)) break;
        FUZZ_CHECK(!why.slug.empty());
        FUZZ_CHECK(why.kind != JoinKind::none);
        ++claimed;
    }
    FUZZ_CHECK(claimed <= store.size());
    return 0;
}
