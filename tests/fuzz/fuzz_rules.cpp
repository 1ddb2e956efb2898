// Rule compiler: fuzzed patterns either compile into a RuleSet or are refused with an error naming the
// rule; a compiled set matches fuzzed text, returns a rule that matches on its own, and a detail inside
// the text.
#include "fuzz_support.hpp"

#include <re2/re2.h>

#include "logcodes/rules.hpp"

using namespace logcodes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    std::vector<Rule> rules;
    const int n = fdp.ConsumeIntegralInRange<int>(0, 8);
    for (int i = 0; i < n; ++i) {
        Rule r;
        r.name = "rule" + std::to_string(i);
        r.label = fdp.ConsumeRandomLengthString(16);
        r.pattern = fdp.ConsumeRandomLengthString(128);
        const int k = fdp.ConsumeIntegralInRange<int>(0, 2);
        // Mostly well-formed codes, so that most sets compile and get matched; sometimes anything.
        for (int j = 0; j < k; ++j)
            r.codes.push_back(fdp.ConsumeBool() ? fdp.ConsumeRandomLengthString(6)
                                                : std::string(fdp.PickValueInArray({"5xx", "502", "4xx", "404", "6xx", "486"})));
        rules.push_back(std::move(r));
    }
    const int code = fdp.ConsumeIntegralInRange<int>(0, 999);
    const std::string text = fdp.ConsumeRemainingBytesAsString();

    for (const auto& r : rules)
        for (const auto& spec : r.codes) (void)code_selected(spec, code);

    Error err;
    const std::vector<Rule> given = rules;
    auto set = RuleSet::compile(std::move(rules), err);
    if (!set) {
        FUZZ_CHECK(static_cast<bool>(err) && !err.message.empty());
        return 0;
    }
    FUZZ_CHECK(!err);
    FUZZ_CHECK(set->size() == given.size());
    std::string_view detail;
    const int i = set->match(text, &detail);
    FUZZ_CHECK(i >= -1 && i < static_cast<int>(set->size()));
    if (i >= 0) {
        (void)set->applies(i, code);
        // The detail is a view into the text.
        if (!detail.empty())
            FUZZ_CHECK(detail.data() >= text.data() && detail.data() + detail.size() <= text.data() + text.size());
        // The rule reported matches on its own, and no earlier rule does.
        const auto& r = set->rule(i);
        FUZZ_CHECK(r.name == given[static_cast<std::size_t>(i)].name);
        RE2 alone(r.pattern, RE2::Quiet);
        if (alone.ok()) FUZZ_CHECK(RE2::PartialMatch(text, alone));
        for (int j = 0; j < i; ++j) {
            RE2 earlier(given[static_cast<std::size_t>(j)].pattern, RE2::Quiet);
            if (earlier.ok()) FUZZ_CHECK(!RE2::PartialMatch(text, earlier));
        }
    } else {
        FUZZ_CHECK(detail.empty());
    }
    FUZZ_CHECK(set->match(text) == i);
    return 0;
}
