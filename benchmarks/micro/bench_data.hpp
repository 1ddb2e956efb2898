// Input for the micro-benchmarks: generated logs (benchmarks/gen_logs.py, gen_variants.py) in the folder
// named by LOGCODES_BENCH_DATA, read once into memory. `benchmarks/micro.py` makes them and runs us.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace logcodes::bench {

struct Input {
    std::string bytes;                       // the whole file
    std::vector<std::string_view> lines;     // its lines, each followed by >= kLinePadding readable bytes
    std::string format_text;                 // for compiled layouts: the log_format it was written with
};

// The input of `layout` ("combined", "nginx_custom", "nginx_json", "sip_trace"); aborts with a message
// when the data folder or file is missing.
const Input& input(const std::string& layout);

}  // namespace logcodes::bench
