// The error logs of a scan (scan(errors=...)) read in pieces by the scan's threads, into one EventStore.
//
// A plain file is cut into ranges like an access log, but a piece is a run of whole events: it begins at the
// first event header at or after its range's start and ends before the first event header at or after its
// range's end (a continuation line, a stack trace, belongs to the event above it). Every thread reads the
// pieces it takes on its own (classifying each event, the costly part); the store takes the pieces in input
// order as soon as the ones before them are read, so it holds what one reader of the whole logs would give,
// whatever the threads, block sizes and cuts. Compressed files, pipes and small files are one piece.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "logcodes/correlate.hpp"
#include "logcodes/framer.hpp"
#include "logcodes/source.hpp"
#include "logcodes/stats.hpp"

namespace logcodes {

struct ScanOptions;
struct FileReport;

class ErrorLogPieces {
public:
    // Probes the error logs of `o` and plans their pieces (a file that cannot be read gets a report saying
    // why and no piece).
    explicit ErrorLogPieces(const ScanOptions& o);
    ~ErrorLogPieces();
    ErrorLogPieces(const ErrorLogPieces&) = delete;
    ErrorLogPieces& operator=(const ErrorLogPieces&) = delete;

    std::size_t pieces() const noexcept;
    // Reads the next piece no thread has taken, with `framer`; false when none is left. Stops early when
    // `cancel` is set.
    bool read_next(LineFramer& framer, const std::atomic<bool>& cancel);

    // The store, once every piece is in it and it is finished (indexed for claims); nullptr before.
    EventStore* ready() const noexcept { return ready_.load(std::memory_order_acquire); }

    // After the scan's threads are done: the store, finished, and one report per error log.
    std::shared_ptr<EventStore> finish(std::vector<FileReport>& reports, ScanStats& stats);

private:
    struct File;
    struct Piece;
    void read(Piece& p, LineFramer& framer, const std::atomic<bool>& cancel);
    // Hands the store every read piece whose predecessors are all in it.
    void add_ready(std::size_t done);

    const ScanOptions& options_;
    std::shared_ptr<EventStore> store_;
    std::vector<File> files_;
    std::vector<Piece> pieces_;
    std::atomic<std::size_t> next_{0};
    std::mutex mu_;              // guards what follows: the store and the reports while pieces are added
    std::size_t added_ = 0;      // pieces handed to the store, in order
    std::uint64_t events_ = 0;   // events read, for ScanStats::events
    std::atomic<EventStore*> ready_{nullptr};
};

}  // namespace logcodes
