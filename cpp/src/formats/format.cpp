#include "logcodes/formats/format.hpp"

namespace logcodes {

namespace {
// The reader of a stateless format: no state, so one per thread costs nothing.
class StatelessParser final : public Parser {
public:
    explicit StatelessParser(const Format& f) : format_(f) {}
    ParseResult parse(std::string_view line, Record& out) override {
        return format_.parse(line, out) ? ParseResult::record : ParseResult::unparsed;
    }

private:
    const Format& format_;
};

bool three_digits(std::string_view s) noexcept {
    return s.size() == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9';
}
}  // namespace

bool Format::parse(std::string_view, Record&) const noexcept { return false; }

std::unique_ptr<Parser> Format::make_parser() const { return std::make_unique<StatelessParser>(*this); }

bool Format::strict(std::string_view, const Record& r) const noexcept { return three_digits(r.status); }

bool Format::matches(std::string_view line) const noexcept {
    Record r;
    r.clear();
    return parse(line, r) && strict(line, r);
}

}  // namespace logcodes
