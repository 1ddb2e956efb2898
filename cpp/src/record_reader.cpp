#include "logcodes/record_reader.hpp"

#include "logcodes/formats/detect_sample.hpp"
#include "logcodes/formats/envelope.hpp"

namespace logcodes {

// Appends each counted record to the builder and sets full batches aside.
class RecordBatchReader::Sink : public RecordSink {
public:
    explicit Sink(RecordBatchReader& reader) : r_(reader) {}
    void on_record(Derived& d, std::uint64_t line_no) override {
        r_.builder_.append(d, line_no);
        if (r_.builder_.full()) {
            ArrowArray batch;
            r_.builder_.finish(&batch);
            r_.ready_.push_back(batch);
        }
    }

private:
    RecordBatchReader& r_;
};

namespace {
std::vector<Column> or_all(std::vector<Column> c) { return c.empty() ? all_columns() : c; }

// Rows counted by code; with the path rules the rows' derived values use.
GroupSpec by_code(std::shared_ptr<const PathTemplater> path_rules) {
    GroupSpec g;
    g.dims = {Dim::protocol, Dim::code};
    g.paths = std::move(path_rules);
    return g;
}
}  // namespace

RecordBatchReader::RecordBatchReader(RecordsOptions options)
    : options_((options.columns = or_all(std::move(options.columns)), std::move(options))),
      builder_(options_.columns, options_.batch_size), sink_(std::make_unique<Sink>(*this)),
      counts_(by_code(options_.scan.group.paths)),
      framer_(options_.scan.block_size, options_.scan.max_record) {}

RecordBatchReader::~RecordBatchReader() {
    for (ArrowArray& a : ready_)
        if (a.release) a.release(&a);
}

bool RecordBatchReader::open_next_input() {
    while (next_input_ < options_.scan.paths.size()) {
        const std::uint32_t index = static_cast<std::uint32_t>(next_input_++);
        FileReport report;
        report.path = options_.scan.paths[index];
        InputInfo info;
        Error err = probe_input(report.path, info);
        if (!err) source_ = open_input(info, err);
        report.compression = info.compression;
        report.size = info.size;
        if (err) {
            report.error = err;
            files_.push_back(std::move(report));
            if (!error_) error_ = err;  // the other inputs are still read; the first failure is reported
            continue;
        }
        const Format* format = options_.scan.format.get();
        framer_.reset(0);
        line_no_ = 0;
        input_stats_ = ScanStats{};
        std::string head;
        if (format) {
            report.format = format_label(format);
            report.wrapper = wrapper_label(format);
            report.detection = "given";
        } else {
            // Detect from the input's own first bytes, then hand those bytes on like any others.
            Detection d = detect_from(*source_, head);
            format = d.format;
            report.format = format_label(format);
            report.wrapper = wrapper_label(format);
            report.detection = d.explanation;
            report.confidence = d.confidence;
        }
        files_.push_back(std::move(report));
        processor_ = std::make_unique<RecordProcessor>(format, counts_, input_stats_, index, files_.back().path,
                                                       options_.scan.max_samples, options_.scan.count_level);
        processor_->set_filter(options_.scan.filter.get());
        processor_->set_record_sink(sink_.get());
        // A detected format is watched for a change part-way, as in a scan.
        if (!options_.scan.format.get() && !info.capture && (!format || (!format->events() && format->splittable())))
            processor_->watch_format_changes(true);
        input_stats_.bytes += head.size();
        if (!head.empty())
            framer_.feed(head, [this](const LineEvent& ev) {
                processor_->on_line(ev, ++line_no_);
                return true;
            });
        return true;
    }
    return false;
}

void RecordBatchReader::close_input() {
    processor_->finish();
    FileReport& report = files_.back();
    for (const FormatSwitch& sw : processor_->format_switches())
        report.add_change({sw.line, sw.offset, std::string(format_label(sw.format)), std::string(wrapper_label(sw.format)),
                           sw.detection});
    if (source_->error()) {
        report.error = source_->error();
        if (!error_) error_ = report.error;
    }
    report.lines = input_stats_.lines;
    report.records = input_stats_.total;
    report.packets = source_->packets();
    report.skipped_packets = source_->skipped_packets();
    report.evictions = source_->evictions();
    stats_.merge(input_stats_, options_.scan.max_samples);
    processor_.reset();
    source_.reset();
}

void RecordBatchReader::read_block() {
    auto on_line = [this](const LineEvent& ev) {
        processor_->on_line(ev, ++line_no_);
        return true;
    };
    auto area = framer_.writable();
    const std::size_t n = source_->read(area.data(), area.size());
    if (n > 0) {
        input_stats_.bytes += n;
        framer_.commit(n, on_line);
        return;
    }
    if (!source_->error()) framer_.finish(on_line);
    close_input();
}

bool RecordBatchReader::next(ArrowArray* out) {
    while (ready_.empty() && !done_) {
        if (!source_ && !open_next_input()) {
            // The end: the rows read so far leave as a last, shorter batch.
            done_ = true;
            if (builder_.rows() > 0) {
                ArrowArray last;
                builder_.finish(&last);
                ready_.push_back(last);
            }
            break;
        }
        read_block();
    }
    if (ready_.empty()) return false;
    *out = ready_.front();
    ready_.pop_front();
    return true;
}

}  // namespace logcodes
