#include "bench_data.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "logcodes/record.hpp"

namespace logcodes::bench {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s (run benchmarks/micro.py, which makes the data)\n", path.c_str());
        std::exit(2);
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

const Input& input(const std::string& layout) {
    static std::map<std::string, Input> cache;
    auto it = cache.find(layout);
    if (it != cache.end()) return it->second;
    const char* dir = std::getenv("LOGCODES_BENCH_DATA");
    if (!dir) {
        std::fprintf(stderr, "LOGCODES_BENCH_DATA is not set (run benchmarks/micro.py)\n");
        std::exit(2);
    }
    Input& in = cache[layout];
    in.bytes = read_file(std::string(dir) + "/" + layout + ".log");
    if (layout == "nginx_custom" || layout == "nginx_json")
        in.format_text = read_file(std::string(dir) + "/" + layout + ".format");
    const std::size_t size = in.bytes.size();
    in.bytes.append(kLinePadding, '\0');  // parsers may read this far past a line's end
    std::string_view all(in.bytes.data(), size);
    while (!all.empty()) {
        const std::size_t nl = all.find('\n');
        const std::size_t len = nl == std::string_view::npos ? all.size() : nl;
        in.lines.push_back(all.substr(0, len));
        all.remove_prefix(nl == std::string_view::npos ? all.size() : nl + 1);
    }
    return in;
}

}  // namespace logcodes::bench
