// The scanner: runs source -> framer -> parser -> classifier -> aggregator over many inputs.
//
// Large uncompressed files are cut into byte ranges at line boundaries (a range owns the lines that
// start in it) and scanned by a pool of threads, each with its own aggregator; compressed inputs and
// pipes are scanned whole. Formats whose lines depend on lines before them are cut by their piece rule
// (Format::PieceRule: W3C pieces read the #Fields before them, SIP pieces begin at messages) and checked
// in order once read. Results never depend on the thread count or the block size.
//
// Scanning runs on its own threads: start(), then wait_for() in short slices so the caller can show
// progress or cancel() — the Python layer uses this to stay responsive to Ctrl-C.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/file_report.hpp"
#include "logcodes/scan_options.hpp"
#include "logcodes/calls.hpp"
#include "logcodes/correlate.hpp"
#include "logcodes/event_counts.hpp"
#include "logcodes/record_filter.hpp"
#include "logcodes/rules.hpp"
#include "logcodes/error.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/source.hpp"
#include "logcodes/stats.hpp"

namespace logcodes {

class ErrorLogPieces;

struct ScanResult {
    explicit ScanResult(const GroupSpec& spec, const GroupSpec& event_spec = GroupSpec{},
                        const RuleSet* rules = nullptr)
        : counts(spec), events_read(event_spec, rules) {}
    Aggregator counts;
    EventCounter events_read;                   // events of error logs given as main inputs
    ScanStats stats;
    std::vector<FileReport> files;
    std::vector<FileReport> error_files;        // the error logs read (scan(errors=...))
    std::shared_ptr<EventStore> events;         // their events: templates of the unexplained ones
    bool cancelled = false;
};

class Scanner {
public:
    explicit Scanner(ScanOptions options);
    ~Scanner();
    Scanner(const Scanner&) = delete;
    Scanner& operator=(const Scanner&) = delete;

    void start();
    // True once the scan has finished (or was cancelled and has stopped).
    bool wait_for(std::chrono::milliseconds timeout);
    void wait();
    void cancel() noexcept { cancel_.store(true, std::memory_order_relaxed); }

    // Bytes of input consumed so far (compressed bytes for compressed files) and the total when known.
    std::uint64_t bytes_done() const noexcept { return bytes_done_.load(std::memory_order_relaxed); }
    std::uint64_t bytes_total() const noexcept { return bytes_total_.load(std::memory_order_relaxed); }

    // The result; call once, after the scan finished.
    ScanResult take_result();

    // Runs a whole scan on the calling thread's pool and returns its result (for C++ callers and tests).
    static ScanResult run_blocking(ScanOptions options);

private:
    struct Task;
    struct FileState;
    struct Worker;
    void run() noexcept;
    void plan();
    void work(Worker& w);
    void run_task(Worker& w, Task& t);
    // Task `i` is done: the errors of the finished tasks claim their events, in task order, once the store is ready.
    void claim_finished(std::size_t i);
    void claim_in_order(EventStore& store);
    static void report_shrink(const FileState& f, Task& t, std::uint64_t end_read);
    void find_directive(Task& t);
    void own_counts(Task& t) const;
    // After the workers: the pieces of each file that depend on the ones before them are checked, in order, and
    // read again where they began from the wrong state.
    void join_pieces(Worker& w);
    void join_directive_pieces(Worker& w, std::size_t first, std::size_t end);
    void join_message_pieces(Worker& w, std::size_t first, std::size_t end);
    void replay_finished();

    ScanOptions options_;
    std::unique_ptr<ScanResult> result_;
    std::vector<FileState> files_;
    std::vector<Task> tasks_;
    std::unique_ptr<ErrorLogPieces> error_logs_;   // scan(errors=...): read by the workers before the tasks
    std::unique_ptr<std::atomic<bool>[]> finished_;  // per task: run (its errors may claim their events)
    std::atomic<std::size_t> claimed_{0};          // tasks whose errors have claimed, in task order
    std::mutex claims_mu_;                         // held by the one thread claiming
    std::atomic<std::size_t> replayed_{0};         // tasks whose transaction logs were replayed, in task order
    std::mutex replay_mu_;                         // held by the one thread replaying
    std::atomic<std::size_t> next_task_{0};
    std::atomic<bool> cancel_{false};
    std::atomic<int> spare_threads_{0};   // threads no task needs: a compressed input decodes on them
    std::atomic<std::uint64_t> bytes_done_{0};
    std::atomic<std::uint64_t> bytes_total_{0};
    bool rereading_ = false;              // join_message_pieces() reads pieces again (on the scan's own thread)
    std::thread runner_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    bool started_ = false;
};

}  // namespace logcodes
