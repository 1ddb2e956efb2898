// A whole scan from C++, without Python: the program `benchmarks/callgrind.py` counts instructions of.
//
//   logcodes_scan_driver [--format NAME | --nginx-format-file F] [--by code,path] [--bucket SECONDS]
//                        [--threads N] FILE...
// Prints the totals and the number of groups as one JSON line.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "logcodes/formats/compilers.hpp"
#include "logcodes/scanner.hpp"

namespace {

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr, "logcodes_scan_driver: %s\n", why);
    std::exit(2);
}

std::vector<logcodes::Dim> parse_dims(std::string_view text) {
    std::vector<logcodes::Dim> dims;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view name = text.substr(0, comma);
        logcodes::Dim d;
        if (!logcodes::parse_dim(name, d)) usage("unknown dimension");
        dims.push_back(d);
        text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    }
    return dims;
}

}  // namespace

int main(int argc, char** argv) {
    logcodes::ScanOptions o;
    o.threads = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("an option is missing its value");
            return argv[++i];
        };
        if (a == "--format") {
            logcodes::Error err;
            o.format = logcodes::FormatChoice::named(value(), err);
            if (err) usage(err.message.c_str());
        } else if (a == "--nginx-format-file") {
            std::ifstream in(value(), std::ios::binary);
            std::ostringstream text;
            text << in.rdbuf();
            auto r = logcodes::compile_nginx(text.str());
            if (!r) usage(r.error.c_str());
            o.format = logcodes::FormatChoice(r.format);
        } else if (a == "--by") {
            o.group.dims = parse_dims(value());
        } else if (a == "--bucket") {
            o.group.time_bucket = std::stoll(value());
        } else if (a == "--count") {
            if (!logcodes::parse_count_level(value(), o.count_level)) usage("--count: messages, transactions or calls");
        } else if (a == "--threads") {
            o.threads = static_cast<unsigned>(std::stoul(value()));
        } else {
            o.paths.emplace_back(a);
        }
    }
    if (o.paths.empty()) usage("no input files");
    if (auto err = logcodes::check_options(o); err) usage(err.message.c_str());
    logcodes::ScanResult r = logcodes::Scanner::run_blocking(std::move(o));
    for (const auto& f : r.files)
        if (f.error) std::fprintf(stderr, "%s: %s\n", f.path.c_str(), f.error.message.c_str());
    std::printf("{\"records\": %llu, \"counted\": %llu, \"unparsed\": %llu, \"invalid\": %llu, \"groups\": %zu}\n",
                static_cast<unsigned long long>(r.stats.total), static_cast<unsigned long long>(r.counts.counted()),
                static_cast<unsigned long long>(r.stats.unparsed), static_cast<unsigned long long>(r.stats.invalid),
                r.counts.groups());
    return 0;
}
