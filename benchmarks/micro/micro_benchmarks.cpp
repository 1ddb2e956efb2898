// Google Benchmark micro-benchmarks of each stage of the data path, in bytes/s of generated input:
// framer, every parser, classifier, aggregator (by dimension sets) and the whole per-record pipeline.
// Run through `make microbench` (benchmarks/micro.py makes the data and writes benchmarks/MICRO.md).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench_data.hpp"
#include "logcodes/aggregator.hpp"
#include "logcodes/classifier.hpp"
#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/framer.hpp"
#include "logcodes/stream.hpp"

namespace {

using logcodes::bench::input;

void set_bytes(benchmark::State& state, std::size_t per_iteration) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * per_iteration));
}

std::size_t payload(const logcodes::bench::Input& in) { return in.bytes.size() - logcodes::kLinePadding; }

// The format each layout is read with: built-in, or compiled from the log_format it was written with.
logcodes::FormatPtr format_for(const std::string& layout, bool preset) {
    const auto& in = input(layout);
    if (!in.format_text.empty() && !preset) {
        auto r = logcodes::compile_nginx(in.format_text);
        if (!r) {
            std::fprintf(stderr, "cannot compile %s's log_format: %s\n", layout.c_str(), r.error.c_str());
            std::exit(2);
        }
        return r.format;
    }
    const std::string name = layout == "nginx_json" ? "nginx_json" : layout;
    const logcodes::Format* f = logcodes::find_format(name);
    if (!f) {
        std::fprintf(stderr, "no built-in format %s\n", name.c_str());
        std::exit(2);
    }
    return logcodes::FormatPtr(f, [](const logcodes::Format*) {});  // built-ins live for the whole program
}

void BM_Framer(benchmark::State& state) {
    const auto& in = input("combined");
    const std::size_t size = payload(in);
    std::uint64_t lines = 0;
    for (auto _ : state) {
        logcodes::LineFramer framer(1 << 20);
        std::size_t at = 0;
        while (at < size) {
            auto area = framer.writable();
            const std::size_t n = std::min(area.size(), size - at);
            std::memcpy(area.data(), in.bytes.data() + at, n);
            at += n;
            framer.commit(n, [&](const logcodes::LineEvent&) { return ++lines, true; });
        }
        framer.finish([&](const logcodes::LineEvent&) { ++lines; });
    }
    benchmark::DoNotOptimize(lines);
    set_bytes(state, size);
}
BENCHMARK(BM_Framer)->Unit(benchmark::kMillisecond);

// One parser over pre-split lines: the parse step alone.
void parse_layout(benchmark::State& state, const std::string& layout, bool preset) {
    const auto& in = input(layout);
    const auto format = format_for(layout, preset);
    std::uint64_t records = 0;
    for (auto _ : state) {
        auto parser = format->make_parser();
        logcodes::Record r;
        for (auto line : in.lines) records += parser->parse(line, r) == logcodes::ParseResult::record;
        records += parser->flush(r);
    }
    benchmark::DoNotOptimize(records);
    set_bytes(state, payload(in));
}
BENCHMARK_CAPTURE(parse_layout, combined, std::string("combined"), true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse_layout, nginx_custom_log_format, std::string("nginx_custom"), false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse_layout, nginx_json_log_format, std::string("nginx_json"), false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse_layout, nginx_json_preset, std::string("nginx_json"), true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(parse_layout, sip_trace, std::string("sip_trace"), true)->Unit(benchmark::kMillisecond);

// Records of the combined layout, parsed once, for the classifier and aggregator benchmarks.
struct Parsed {
    std::vector<logcodes::Record> records;
    std::size_t bytes = 0;
};
const Parsed& parsed_combined() {
    static Parsed p = [] {
        Parsed out;
        const auto& in = input("combined");
        auto parser = format_for("combined", true)->make_parser();
        logcodes::Record r;
        for (auto line : in.lines)
            if (parser->parse(line, r) == logcodes::ParseResult::record) out.records.push_back(r);
        out.bytes = payload(in);
        return out;
    }();
    return p;
}

void BM_Classify(benchmark::State& state) {
    const auto& p = parsed_combined();
    std::uint64_t sum = 0;
    for (auto _ : state)
        for (const auto& r : p.records) sum += logcodes::classify(r.protocol, r.status).code;
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.records.size()));
    set_bytes(state, p.bytes);
}
BENCHMARK(BM_Classify)->Unit(benchmark::kMillisecond);

void aggregate(benchmark::State& state, std::vector<logcodes::Dim> dims) {
    const auto& p = parsed_combined();
    std::vector<logcodes::Classified> classified;
    for (const auto& r : p.records) classified.push_back(logcodes::classify(r.protocol, r.status));
    for (auto _ : state) {
        logcodes::Aggregator agg(logcodes::GroupSpec{dims, 60});
        for (std::size_t i = 0; i < p.records.size(); ++i)
            if (classified[i].status != logcodes::CodeStatus::invalid)
                agg.add(p.records[i], classified[i], "bench.log");
        benchmark::DoNotOptimize(agg.counted());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.records.size()));
    set_bytes(state, p.bytes);
}
using D = logcodes::Dim;
BENCHMARK_CAPTURE(aggregate, class_code, std::vector<D>{D::klass, D::code})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(aggregate, code_path, std::vector<D>{D::code, D::path})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(aggregate, code_time_1min, std::vector<D>{D::code, D::time})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(aggregate, code_cause, std::vector<D>{D::code, D::cause})->Unit(benchmark::kMillisecond);

// Everything after the read: framing, parsing, classifying and counting, as a stream is scanned.
void pipeline(benchmark::State& state, const std::string& layout, bool preset) {
    const auto& in = input(layout);
    const auto format = format_for(layout, preset);
    const std::string_view bytes(in.bytes.data(), payload(in));
    for (auto _ : state) {
        logcodes::StreamScanner s(logcodes::options_for(format, logcodes::GroupSpec{{D::klass, D::code}, 3600}));
        for (std::size_t at = 0; at < bytes.size(); at += 1 << 20) s.feed(bytes.substr(at, 1 << 20));
        s.finish();
        benchmark::DoNotOptimize(s.counts().counted());
    }
    set_bytes(state, bytes.size());
}
BENCHMARK_CAPTURE(pipeline, combined, std::string("combined"), true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(pipeline, nginx_custom_log_format, std::string("nginx_custom"), false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(pipeline, nginx_json_preset, std::string("nginx_json"), true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(pipeline, sip_trace, std::string("sip_trace"), true)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
