// Error logs read as the main input: their events counted by severity, cause and the other dimensions.
//
// Each event gets the cause the rules name (the first matching rule, RE2, one pass) or "unknown"; events
// no rule names are also grouped into templates (numbers, addresses and quoted parts masked) so the most
// frequent can become rules. Templates are bounded: past kMaxTemplates new ones are only counted.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "logcodes/aggregator.hpp"
#include "logcodes/correlate.hpp"
#include "logcodes/record.hpp"
#include "logcodes/rules.hpp"

namespace logcodes {

class EventCounter {
public:
    static constexpr std::size_t kMaxTemplates = 10000;

    EventCounter(GroupSpec spec, const RuleSet* rules) : counts_(std::move(spec)), rules_(rules) {}

    // Counts one event (its cause fields are set here); `file` names the input, `file_index` and `line`
    // say where the event starts.
    void add(Record& event, std::string_view file, std::uint32_t file_index, std::uint64_t line);
    void merge(const EventCounter& other);

    const Aggregator& counts() const noexcept { return counts_; }
    // Templates of the events no rule names, and how many such events fell past the template limit.
    const std::map<std::string, Template>& unnamed() const noexcept { return templates_; }
    std::uint64_t untemplated() const noexcept { return untemplated_; }

private:
    void add_template(std::string_view head, std::uint32_t file_index, std::uint64_t line);

    Aggregator counts_;
    const RuleSet* rules_;
    std::map<std::string, Template> templates_;
    std::uint64_t untemplated_ = 0;
};

// An event's first line with numbers, addresses, hex runs and quoted values masked, from its message on.
std::string event_template(std::string_view head);

}  // namespace logcodes
