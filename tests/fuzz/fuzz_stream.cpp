// The whole Stream (StreamScanner, the base of pipeline stages): the input fed in fuzzer-chosen pieces
// counts exactly as the input fed whole, with auto-detection or a given format, and the counts add up.
#include "fuzz_support.hpp"

#include "logcodes/formats/builtin.hpp"
#include "logcodes/stream.hpp"

using namespace logcodes;

namespace {

GroupSpec group() { return GroupSpec{{Dim::protocol, Dim::klass, Dim::code, Dim::method, Dim::host, Dim::cause}}; }

void check_same(const StreamScanner& a, const StreamScanner& b) {
    const ScanStats& x = a.stats();
    const ScanStats& y = b.stats();
    FUZZ_CHECK(a.format_name() == b.format_name());
    FUZZ_CHECK(x.lines == y.lines && x.blank == y.blank && x.meta == y.meta && x.total == y.total &&
               x.unparsed == y.unparsed && x.invalid == y.invalid && x.requests == y.requests &&
               x.retransmissions == y.retransmissions && x.events == y.events && x.calls == y.calls &&
               x.call_responses == y.call_responses &&
               x.bytes == y.bytes);
    FUZZ_CHECK(x.unparsed_samples.size() == y.unparsed_samples.size());
    for (std::size_t i = 0; i < x.unparsed_samples.size(); ++i)
        FUZZ_CHECK(x.unparsed_samples[i].line == y.unparsed_samples[i].line &&
                   x.unparsed_samples[i].offset == y.unparsed_samples[i].offset &&
                   x.unparsed_samples[i].text == y.unparsed_samples[i].text);
    FUZZ_CHECK(fuzz::rows(a.counts()) == fuzz::rows(b.counts()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    // Half the inputs detect their format, as `logcodes.Stream(format="auto")` does.
    const bool detect = fdp.ConsumeBool();
    const std::string format = detect ? std::string("auto") : std::string(fuzz::pick_format(fdp).name);
    const CountLevel level = static_cast<CountLevel>(fdp.ConsumeIntegralInRange<int>(0, 2));
    const std::size_t max_record = fdp.ConsumeIntegralInRange<std::size_t>(1, 4096);
    std::vector<std::size_t> cuts;
    for (int i = 0; i < 32 && fdp.ConsumeBool(); ++i) cuts.push_back(fdp.ConsumeIntegralInRange<std::size_t>(0, 300));
    const std::string bytes = fdp.ConsumeRemainingBytesAsString();

    StreamScanner whole(options_for(format, group(), level, max_record), "<fuzz>");
    whole.feed(bytes);
    whole.finish();

    StreamScanner pieces(options_for(format, group(), level, max_record), "<fuzz>");
    std::string_view rest(bytes);
    for (std::size_t i = 0; !rest.empty(); ++i) {
        const std::size_t n = i < cuts.size() ? std::min(cuts[i], rest.size()) : rest.size();
        pieces.feed(rest.substr(0, n));
        rest.remove_prefix(n);
    }
    pieces.finish();

    const ScanStats& s = whole.stats();
    fuzz::check_stats(s, whole.counts(), level);
    FUZZ_CHECK(s.bytes == bytes.size());
    // Every line is blank, meta, a record, an event, a request, or a part of a multi-line record.
    FUZZ_CHECK(s.blank + s.meta + s.total <= s.lines + 1);
    check_same(whole, pieces);
    return 0;
}
