// Format-string compilers (nginx log_format, Apache LogFormat, Tomcat pattern, Envoy format): a fuzzed
// format string either compiles or is refused with a message pointing into it; a compiled format reads
// fuzzed lines like any other format.
//
// Differential half (the first input byte odd): fields drawn from the input are written as one NCSA combined
// line, then read by three readers — the built-in `combined` parser, nginx's `combined` log_format compiled,
// and Apache's combined LogFormat compiled. Each must read back exactly the fields written (a round trip),
// so the two compilers and the hand-written parser check one another.
#include "fuzz_support.hpp"

#include "logcodes/formats/compilers.hpp"
#include "logcodes/record.hpp"

using namespace logcodes;

namespace {

std::string draw(FuzzedDataProvider& fdp, std::string_view alphabet, std::size_t min, std::size_t max) {
    const std::size_t n = fdp.ConsumeIntegralInRange<std::size_t>(min, max);
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += alphabet[fdp.ConsumeIntegralInRange<std::size_t>(0, alphabet.size() - 1)];
    return s;
}

std::string two(int v) { return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10); }

struct Written {
    std::string client, user, time, method, target, status, bytes, referer, agent;
};

Written fields(FuzzedDataProvider& fdp) {
    static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    Written w;
    w.client = draw(fdp, "0123456789abcdef.:", 1, 39);
    w.user = fdp.ConsumeBool() ? "-" : draw(fdp, "abcdefghijklmnopqrstuvwxyz0123456789_", 1, 12);
    const int zone = fdp.ConsumeIntegralInRange<int>(0, 14);
    w.time = two(fdp.ConsumeIntegralInRange<int>(1, 28)) + "/" +
             std::string(kMonths[fdp.ConsumeIntegralInRange<int>(0, 11)]) + "/" +
             std::to_string(fdp.ConsumeIntegralInRange<int>(1990, 2099)) + ":" +
             two(fdp.ConsumeIntegralInRange<int>(0, 23)) + ":" + two(fdp.ConsumeIntegralInRange<int>(0, 59)) + ":" +
             two(fdp.ConsumeIntegralInRange<int>(0, 59)) + " " + (fdp.ConsumeBool() ? "+" : "-") + two(zone) + "00";
    w.method = draw(fdp, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3, 10);
    w.target = "/" + draw(fdp, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-~?=&%+,;:@!$*()", 0, 80);
    w.status = std::to_string(fdp.ConsumeIntegralInRange<int>(100, 599));
    w.bytes = fdp.ConsumeBool() ? "-" : std::to_string(fdp.ConsumeIntegralInRange<std::uint32_t>(0, 1u << 31));
    w.referer = fdp.ConsumeBool() ? "-" : "https://" + draw(fdp, "abcdefghijklmnopqrstuvwxyz0123456789./-_?=&", 1, 40);
    // A User-Agent holds spaces, parentheses and semicolons, but no quote or backslash (those are escaped).
    w.agent = draw(fdp, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ()/;.,:_-+", 1, 100);
    return w;
}

void read_back(const Format& format, const std::string& line, const Written& w) {
    auto parser = format.make_parser();
    std::string padded = line;
    padded.append(kLinePadding, '\0');  // the framer's guarantee: readable bytes past the line
    Record r;
    const std::string_view view(padded.data(), line.size());
    FUZZ_CHECK(parser->parse(view, r) == ParseResult::record);
    FUZZ_CHECK(r.status == w.status);
    FUZZ_CHECK(r.client == w.client);
    FUZZ_CHECK(r.time == w.time);
    FUZZ_CHECK(r.method == w.method);
    FUZZ_CHECK(r.target == w.target);
    FUZZ_CHECK(r.bytes == w.bytes);
}

void round_trip(FuzzedDataProvider& fdp) {
    const Written w = fields(fdp);
    const std::string line = w.client + " - " + w.user + " [" + w.time + "] \"" + w.method + " " + w.target +
                             " HTTP/1.1\" " + w.status + " " + w.bytes + " \"" + w.referer + "\" \"" + w.agent + "\"";
    static const CompileResult nginx = compile_nginx(
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
        "\"$http_user_agent\"");
    static const CompileResult apache = compile_apache("%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"");
    FUZZ_CHECK(nginx && apache);
    const Format* builtin = find_format("combined");
    FUZZ_CHECK(builtin != nullptr);
    read_back(*builtin, line, w);
    read_back(*nginx.format, line, w);
    read_back(*apache.format, line, w);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider fdp(data, size);
    if (fdp.ConsumeIntegral<std::uint8_t>() & 1u) {
        round_trip(fdp);
        return 0;
    }
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
