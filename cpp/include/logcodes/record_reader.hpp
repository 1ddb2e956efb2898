// Records as a stream of Arrow batches: reads inputs one after another on the caller's thread, through
// the same framer -> parser -> classifier -> filter path as a scan (RecordProcessor), and cuts the
// counted records into batches of at most `batch_size` rows. Memory is bounded by the batch size and the
// read block, not by the input. Rows keep the order of the inputs and of the lines in each.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/arrow_abi.hpp"
#include "logcodes/processor.hpp"
#include "logcodes/record_batches.hpp"
#include "logcodes/record_filter.hpp"
#include "logcodes/scanner.hpp"
#include "logcodes/source.hpp"

namespace logcodes {

struct RecordsOptions {
    // The inputs and how they are read, as for a scan (its grouping, threads, byte range, error logs and
    // rules are not used: records come in input order from one thread).
    ScanOptions scan;
    std::vector<Column> columns;             // empty: all
    std::size_t batch_size = 65536;          // rows per batch
};

class RecordBatchReader {
public:
    explicit RecordBatchReader(RecordsOptions options);
    ~RecordBatchReader();
    RecordBatchReader(const RecordBatchReader&) = delete;
    RecordBatchReader& operator=(const RecordBatchReader&) = delete;

    const std::vector<Column>& columns() const noexcept { return options_.columns; }
    // The next batch into `out` (the consumer releases it); false at the end of the inputs. An input that
    // fails does not stop the others: error() names the first failure once next() returned false.
    bool next(ArrowArray* out);
    const Error& error() const noexcept { return error_; }
    bool done() const noexcept { return done_; }
    // Totals so far (complete once next() returned false) and one report per input opened.
    const ScanStats& stats() const noexcept { return stats_; }
    const std::vector<FileReport>& files() const noexcept { return files_; }
    // The rows so far, counted by code (what a scan by code would give). Its GroupSpec carries the path
    // rules, which the processor derives values with.
    const Aggregator& counts() const noexcept { return counts_; }

private:
    class Sink;
    bool open_next_input();
    void close_input();
    void read_block();

    RecordsOptions options_;
    RecordBatchBuilder builder_;
    std::unique_ptr<Sink> sink_;
    Aggregator counts_;
    ScanStats stats_, input_stats_;
    std::vector<FileReport> files_;
    std::deque<ArrowArray> ready_;
    Error error_;
    bool done_ = false;
    // The input being read.
    std::size_t next_input_ = 0;
    std::unique_ptr<Source> source_;
    std::unique_ptr<RecordProcessor> processor_;
    LineFramer framer_;
    std::uint64_t line_no_ = 0;
};

}  // namespace logcodes
