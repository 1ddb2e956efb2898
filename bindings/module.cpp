// logcodes._core: converts between Python and the C++ core. No logic lives here.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <tuple>
#include <string>
#include <thread>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/causes.hpp"
#include "logcodes/fields.hpp"
#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/detect_sample.hpp"
#include "logcodes/formats/envelope.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/groups_arrow.hpp"
#include "logcodes/arrow_export.hpp"
#include "logcodes/q850.hpp"
#include "logcodes/record_filter.hpp"
#include "logcodes/record_reader.hpp"
#include "logcodes/registry.hpp"
#include "logcodes/rules.hpp"
#include "logcodes/scanner.hpp"
#include "logcodes/sorted_groups.hpp"
#include "logcodes/source.hpp"
#include "logcodes/stream.hpp"
#include "logcodes/text_escape.hpp"
#include "logcodes/time.hpp"

#include "convert.hpp"

namespace py = pybind11;
using namespace logcodes;
using namespace logcodes::bind;

namespace {

PathRulesHandle compile_path_rules(const std::vector<std::pair<std::string, std::string>>& rules) {
    std::vector<PathRule> list;
    for (const auto& [pattern, placeholder] : rules) list.push_back(PathRule{pattern, placeholder});
    std::string error;
    auto t = PathTemplater::with_rules(list, error);
    if (!t) throw py::value_error(std::string(text(error)));
    return PathRulesHandle{std::shared_ptr<const PathTemplater>(std::move(t))};
}

// An input read whole and decoded by the core's source (gzip, zstd or plain, told by magic bytes): what
// follow reads rotated files with. Errors become the matching builtin exceptions, naming the path.
class DecodedInput {
public:
    explicit DecodedInput(const std::string& path) {
        InputInfo info;
        Error err = probe_input(path, info);
        if (!err) src_ = open_input(info, err);
        if (err) raise(err);
    }
    py::bytes read(std::size_t size) {
        if (!src_) throw py::value_error("read() on a closed DecodedInput");
        std::string buf(size, '\0');
        std::size_t have = 0;
        {
            py::gil_scoped_release release;
            while (have < size) {
                const std::size_t n = src_->read(buf.data() + have, size - have);
                if (n == 0) break;
                have += n;
            }
        }
        if (src_->error()) raise(src_->error());
        return py::bytes(buf.data(), have);
    }
    void close() { src_.reset(); }

private:
    // The exception logcodes.errors maps the core's error to (the one table of them).
    [[noreturn]] static void raise(const Error& err) {
        py::object exc = py::module_::import("logcodes.errors")
                             .attr("from_core")(std::string(error_kind_name(err.kind)), path_text(err.path), err.offset,
                                                text(err.message));
        PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
        throw py::error_already_set();
    }
    std::unique_ptr<Source> src_;
};

py::tuple key_tuple(std::span<const KeyValue> key) {
    py::tuple t(key.size());
    for (std::size_t i = 0; i < key.size(); ++i) {
        const KeyValue& v = key[i];
        if (v.is_text) {
            t[i] = v.text.empty() ? py::object(py::none()) : py::object(text(v.text));
        } else if (v.number == kNoTime) {
            t[i] = py::none();
        } else {
            t[i] = py::int_(v.number);
        }
    }
    return t;
}

// A PyCapsule named `name` (the Arrow PyCapsule interface's) owning an Arrow C struct: released with the
// capsule unless a consumer moved it out (its release is then null).
template <typename T>
py::capsule arrow_capsule(T* p, const char* name) {
    return py::capsule(p, name, [](PyObject* cap) {
        auto* q = static_cast<T*>(PyCapsule_GetPointer(cap, PyCapsule_GetName(cap)));
        if (!q) {
            PyErr_Clear();
            return;
        }
        if (q->release) q->release(q);
        delete q;
    });
}

// The groups as Arrow columns: a (schema, array) pair of PyCapsules, which pyarrow.record_batch() takes
// through __arrow_c_array__ without a Python object per group. Consumes `g`.
py::tuple groups_capsules(SortedGroups&& g, const GroupSpec& spec, unsigned threads) {
    auto* schema = new ArrowSchema{};
    auto* array = new ArrowArray{};
    {
        py::gil_scoped_release release;
        export_groups(std::move(g), dim_names(spec), schema, array, threads);
    }
    return py::make_tuple(arrow_capsule(schema, "arrow_schema"), arrow_capsule(array, "arrow_array"));
}

// {(key...): count} in the Summary's order; the sorting and escaping were done by the core.
py::dict groups_dict(const SortedGroups& g) {
    py::dict out;
    for (const std::uint32_t row : g.order) {
        py::tuple key(g.width());
        for (std::size_t j = 0; j < g.width(); ++j) {
            const SortedGroups::Column& c = g.columns[j];
            if (!c.present[row]) {
                key[j] = py::none();
            } else if (c.text) {
                const std::string_view t = c.text_at(row);
                PyObject* o = PyUnicode_DecodeUTF8(t.data(), static_cast<Py_ssize_t>(t.size()), "strict");
                if (!o) throw py::error_already_set();
                key[j] = py::reinterpret_steal<py::str>(o);
            } else {
                key[j] = py::int_(c.numbers[row]);
            }
        }
        out[std::move(key)] = py::int_(g.counts[row]);
    }
    return out;
}

// Groups as Python takes them: a dict while there are at most `dict_groups` (no pyarrow import for a small
// summary), else Arrow columns (no Python object per group: see python/logcodes/_columns.py). Consumes `g`.
py::object groups_out(SortedGroups&& g, const GroupSpec& spec, std::size_t dict_groups, unsigned threads = 1) {
    if (g.size() <= dict_groups) return groups_dict(g);
    return groups_capsules(std::move(g), spec, threads);
}

py::object groups_of(const Aggregator& a, std::size_t dict_groups) {
    SortedGroups g;
    {
        py::gil_scoped_release release;
        g = sorted_groups(a);
    }
    return groups_out(std::move(g), a.spec(), dict_groups);
}
// (key, {figure name: value}) per group with call figures (count level "calls").
py::list figures_list(const Aggregator& a) {
    py::list out;
    a.for_each_figures([&](std::span<const KeyValue> key, const CallFigures& f) {
        py::dict d;
        for (std::size_t i = 0; i < kCallFigureCount; ++i)
            d[py::str(std::string(call_figure_name(static_cast<CallFigure>(i))))] = f[i];
        out.append(py::make_tuple(key_tuple(key), d));
    });
    return out;
}

py::list sketches_list(const Aggregator& a) {
    py::list out;
    a.for_each_sketch([&](std::span<const KeyValue> key, const DDSketch& s) {
        out.append(py::make_tuple(key_tuple(key), py::cast(s)));
    });
    return out;
}

// (dimension, values and counts largest first, error bound, records seen, counters), or None.
py::object heavy_tuple(const Aggregator& a) {
    if (a.spec().heavy_capacity == 0) return py::none();
    py::list items;
    const std::uint64_t error = a.for_each_heavy([&](const KeyValue& v, std::uint64_t n) {
        py::object value = v.is_text ? (v.text.empty() ? py::object(py::none()) : py::object(text(v.text)))
                                     : (v.number == kNoTime ? py::object(py::none()) : py::object(py::int_(v.number)));
        items.append(py::make_tuple(value, n));
    });
    return py::make_tuple(std::string(dim_name(a.spec().heavy_dim)), items, error, a.heavy_total(),
                          a.spec().heavy_capacity);
}

py::tuple sketch_state(const DDSketch& s) {
    return py::make_tuple(s.relative_accuracy(), s.max_buckets(), s.first_index(), s.buckets(), s.zero_count(), s.sum(),
                          s.min(), s.max(), s.collapsed());
}

DDSketch sketch_from_state(const py::tuple& t) {
    if (t.size() != 9) throw py::value_error("not a DDSketch state");
    DDSketch s(t[0].cast<double>(), t[1].cast<std::size_t>());
    if (!s.restore(t[2].cast<int>(), t[3].cast<std::vector<std::uint64_t>>(), t[4].cast<std::uint64_t>(),
                   t[5].cast<double>(), t[6].cast<double>(), t[7].cast<double>(), t[8].cast<bool>()))
        throw py::value_error("inconsistent DDSketch state");
    return s;
}

FormatHandle builtin_handle(const Format* f) { return FormatHandle{FormatPtr(f, [](const Format*) {})}; }

py::object detection_tuple(const Detection& d) {
    py::list ranking;
    for (const auto& c : d.ranking)
        ranking.append(py::make_tuple(text(c.format->name()), c.strict, c.lenient, c.exact_valid, c.valid, text(c.why)));
    return py::make_tuple(d.format ? py::object(text(d.format->name())) : py::object(py::none()),
                          text(d.explanation), d.matched, d.sample_lines, ranking, d.confidence, d.margin);
}

py::object record_dict(const Record& r) {
    py::dict d;
    auto put = [&](const char* k, std::string_view v) {
        if (!v.empty()) d[k] = text(v);
    };
    d["protocol"] = std::string(protocol_name(r.protocol));
    put("status", r.status);
    put("reason", r.reason);
    put("method", r.method);
    put("target", r.target);
    put("path", r.path());
    put("time", r.time);
    put("time2", r.time2);
    put("host", r.host);
    put("client", r.client);
    put("bytes", r.bytes);
    put("duration", r.duration);
    put("upstream_status", r.upstream_status);
    const std::int64_t t = record_time(r.time_syntax, r.time, r.time2);
    if (t != kNoTime) d["epoch"] = t;
    py::dict fields;
    for (std::uint8_t i = 0; i < r.extra_count; ++i) fields[py::str(field_name(r.extras[i].id))] = text(r.extras[i].value);
    d["fields"] = fields;
    return std::move(d);
}

FilterHandle compile_filter(std::int64_t since_ms, bool since_wall, std::int64_t until_ms, bool until_wall,
                            std::vector<std::pair<std::uint16_t, std::uint16_t>> codes,
                            std::vector<std::string> methods, std::vector<std::string> paths,
                            std::vector<std::string> hosts) {
    FilterSpec spec;
    spec.since_ms = since_ms;
    spec.since_wall = since_wall;
    spec.until_ms = until_ms;
    spec.until_wall = until_wall;
    spec.codes = std::move(codes);
    spec.methods = std::move(methods);
    spec.paths = std::move(paths);
    spec.hosts = std::move(hosts);
    Error err;
    auto f = RecordFilter::compile(spec, err);
    if (!f) throw py::value_error(err.message);
    return FilterHandle{std::move(f)};
}

// Records of some inputs as Arrow C streams: each stream() reads the inputs anew.
class RecordsJob {
public:
    RecordsJob(const ScanOptions& options, const std::vector<std::string>& columns, std::size_t batch_size) {
        if (options.count_level == CountLevel::calls)
            throw py::value_error("count must be messages or transactions for records, not 'calls'");
        options_.scan = options;
        for (const auto& name : columns) {
            Column c;
            if (!parse_column(name, c)) throw py::value_error("unknown column '" + name + "'");
            options_.columns.push_back(c);
        }
        if (options_.columns.empty()) options_.columns = all_columns();
        if (batch_size == 0) throw py::value_error("batch_size must be positive");
        options_.batch_size = batch_size;
    }
    std::vector<std::string> columns() const {
        std::vector<std::string> out;
        for (Column c : options_.columns) out.emplace_back(column_name(c));
        return out;
    }
    // A new ArrowArrayStream in a PyCapsule named "arrow_array_stream" (the Arrow PyCapsule interface).
    py::capsule stream() {
        auto reader = std::make_shared<RecordBatchReader>(options_);
        // A few recent readers are kept for last(): consumers such as DuckDB open a stream for the schema
        // that they never read.
        recent_.push_back(reader);
        if (recent_.size() > kRecent) recent_.erase(recent_.begin());
        auto* s = new ArrowArrayStream;
        export_record_stream(std::move(reader), s);
        return arrow_capsule(s, "arrow_array_stream");
    }
    // What the most recent stream that was read to its end saw (else the most recent one): stats, files,
    // counts by code, whether it reached the end, and the first input error.
    py::object last(std::size_t dict_groups) const {
        if (recent_.empty()) return py::none();
        std::shared_ptr<RecordBatchReader> last = recent_.back();
        for (auto it = recent_.rbegin(); it != recent_.rend(); ++it)
            if ((*it)->done()) {
                last = *it;
                break;
            }
        py::dict d;
        d["groups"] = groups_of(last->counts(), dict_groups);
        d["stats"] = py::cast(last->stats());
        d["files"] = py::cast(last->files());
        d["done"] = last->done();
        d["error"] = error_tuple(last->error());
        return std::move(d);
    }

private:
    static constexpr std::size_t kRecent = 4;
    RecordsOptions options_;
    std::vector<std::shared_ptr<RecordBatchReader>> recent_;
};

// A scan running on C++ threads; Python polls it in short waits so Ctrl-C and progress keep working.
class ScanJob {
public:
    explicit ScanJob(const ScanOptions& options)
        : scanner_(std::make_unique<Scanner>(options)),
          threads_(options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency())) {}
    // Stopping the threads may wait for one reading a URL, which needs the GIL to finish its read.
    ~ScanJob() {
        py::gil_scoped_release release;
        scanner_.reset();
    }
    ScanJob(const ScanJob&) = delete;
    ScanJob& operator=(const ScanJob&) = delete;
    void start() { scanner_->start(); }
    bool wait(double seconds) {
        py::gil_scoped_release release;
        return scanner_->wait_for(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)));
    }
    void cancel() { scanner_->cancel(); }
    py::tuple progress() const { return py::make_tuple(scanner_->bytes_done(), scanner_->bytes_total()); }
    py::dict result(std::size_t dict_groups) {
        std::unique_ptr<ScanResult> r;
        SortedGroups groups;
        {
            py::gil_scoped_release release;
            r = std::make_unique<ScanResult>(scanner_->take_result());
            groups = sorted_groups(r->counts, threads_);  // the scan's threads are free again
        }
        py::dict d;
        d["groups"] = groups_out(std::move(groups), r->counts.spec(), dict_groups, threads_);  // reads r->counts' keys
        r->counts.drop_counts();  // read out: not held while the rest is converted
        d["sketches"] = sketches_list(r->counts);
        d["figures"] = figures_list(r->counts);
        d["heavy"] = heavy_tuple(r->counts);
        d["stats"] = py::cast(r->stats);
        d["files"] = py::cast(r->files);
        py::list error_files;
        for (const auto& f : r->error_files) {
            py::dict fd;
            fd["path"] = path_text(f.path);
            fd["format"] = text(f.format);
            fd["size"] = f.size;
            fd["lines"] = f.lines;
            fd["events"] = f.records;
            fd["error"] = error_tuple(f.error);
            error_files.append(fd);
        }
        d["error_files"] = error_files;
        py::list templates;
        if (r->events) {
            for (const auto& [t, info] : r->events->unexplained())
                templates.append(py::make_tuple(text(t), info.count, text(info.example), info.file, info.line));
            d["events_classified"] = r->events->classified();
        }
        d["unexplained_templates"] = templates;
        // Events of error logs scanned as main inputs: their counts and the templates of the unnamed ones.
        d["event_groups"] = groups_of(r->events_read.counts(), dict_groups);
        py::list unnamed;
        for (const auto& [t, info] : r->events_read.unnamed())
            unnamed.append(py::make_tuple(text(t), info.count, text(info.example), info.file, info.line));
        d["event_templates"] = unnamed;
        d["untemplated_events"] = r->events_read.untemplated();
        d["cancelled"] = r->cancelled;
        return d;
    }

private:
    std::unique_ptr<Scanner> scanner_;
    unsigned threads_;  // the scan's: the groups are sorted and gathered on as many
};

class Stream {
public:
    Stream(const ScanOptions& options, std::string label)
        : scanner_(std::make_unique<StreamScanner>(options, std::move(label))) {}
    void feed(const py::buffer& data) {
        py::buffer_info info = data.request();  // acquired with the GIL held
        if (info.ndim > 1) throw py::value_error("feed() takes a flat bytes-like object");
        const std::string_view bytes(static_cast<const char*>(info.ptr),
                                     static_cast<std::size_t>(info.size * info.itemsize));
        py::gil_scoped_release release;
        scanner_->feed(bytes);
    }
    // Every call may wait for another thread's feed(): the GIL is let go while the stream's lock is taken.
    void finish() {
        py::gil_scoped_release release;
        scanner_->finish();
    }
    py::dict result(std::size_t dict_groups) const {
        return converted([this] { return scanner_->snapshot(); }, dict_groups);
    }
    py::dict take(std::size_t dict_groups, std::int64_t idle_ms) {
        return converted([this, idle_ms] { return scanner_->take(idle_ms); }, dict_groups);
    }
    std::size_t open_calls() const {
        py::gil_scoped_release release;
        return scanner_->open_calls();
    }
    std::uint64_t committed() const {
        py::gil_scoped_release release;
        return scanner_->committed();
    }

private:
    // Takes counts and stats from the stream (waiting for its lock) and sorts the groups without the GIL,
    // then converts them with it.
    template <typename Get>
    py::dict converted(Get&& get, std::size_t dict_groups) const {
        std::optional<std::pair<Aggregator, ScanStats>> got;
        SortedGroups groups;
        {
            py::gil_scoped_release release;
            got.emplace(get());
            groups = sorted_groups(got->first);
        }
        return as_dict(std::move(groups), got->first, got->second, dict_groups);
    }

    py::dict as_dict(SortedGroups&& groups, const Aggregator& counts, const ScanStats& stats,
                     std::size_t dict_groups) const {
        py::dict d;
        d["groups"] = groups_out(std::move(groups), counts.spec(), dict_groups);  // reads counts' keys
        d["sketches"] = sketches_list(counts);
        d["figures"] = figures_list(counts);
        d["heavy"] = heavy_tuple(counts);
        d["stats"] = py::cast(stats);
        const std::string format = scanner_->format_name();
        d["format"] = format.empty() ? py::object(py::none()) : py::object(text(format));
        const std::string wrapper = scanner_->wrapper_name();
        d["wrapper"] = wrapper.empty() ? py::object(py::none()) : py::object(text(wrapper));
        d["detection"] = text(scanner_->detection());
        const double confidence = scanner_->confidence();
        d["confidence"] = confidence < 0 ? py::object(py::none()) : py::object(py::float_(confidence));
        py::list changes;
        for (const FormatChange& c : scanner_->changes())
            changes.append(py::make_tuple(c.line, c.offset, text(c.format),
                                          c.wrapper.empty() ? py::object(py::none()) : py::object(text(c.wrapper)),
                                          text(c.detection)));
        d["changes"] = changes;
        return d;
    }

    std::unique_ptr<StreamScanner> scanner_;
};

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "logcodes C++ core (private; use the logcodes package)";

    m.def("registry_entries", [] {
        py::list out;
        for (const auto& e : registry_entries())
            out.append(py::make_tuple(std::string(protocol_name(e.protocol)), e.code, std::string(e.reason),
                                      e.source == CodeSource::iana ? "iana" : "defacto", std::string(e.origin),
                                      std::string(e.note)));
        return out;
    });
    m.def("code_meaning", [](const std::string& protocol, int code) {
        Protocol p;
        if (!parse_protocol(protocol, p)) throw py::value_error("unknown protocol '" + protocol + "'");
        return std::string(code_meaning(p, static_cast<std::uint16_t>(code)));
    });
    m.def("class_name", [](const std::string& protocol, int digit) {
        Protocol p;
        if (!parse_protocol(protocol, p)) throw py::value_error("unknown protocol '" + protocol + "'");
        return std::string(class_name(p, digit));
    });
    m.def("code_range", [](const std::string& protocol) {
        Protocol p;
        if (!parse_protocol(protocol, p)) throw py::value_error("unknown protocol '" + protocol + "'");
        return py::make_tuple(min_code(p), max_code(p));
    });
    m.def("formats", [] {
        py::list out;
        for (const auto& b : all_builtin_formats())
            out.append(py::make_tuple(std::string(b.name), std::string(b.format->name()),
                                      std::string(b.format->description()), b.detectable));
        return out;
    });
    m.def("detect_format", [](const py::bytes& head, bool at_end) {
        const std::string h = head;
        return detection_tuple(detect_format(h, at_end));
    });
    m.def("probe_path", [](const std::string& path) {
        InputInfo info;
        const Error err = probe_input(path, info);
        if (err) {
            PyErr_SetObject(PyExc_OSError, text(path + ": " + err.message).ptr());
            throw py::error_already_set();
        }
        return py::make_tuple(info.is_regular, info.size, std::string(compression_name(info.compression)),
                              info.capture);
    });
    m.def("detect_path", [](const std::string& path) {
        InputInfo info;
        Detection d;
        Error err = probe_input(path, info);
        if (!err) err = detect_input(info, d);
        if (err) throw py::value_error(std::string(text(path + ": " + err.message)));
        return detection_tuple(d);
    });
    m.def("q850_causes", [] {
        py::list out;
        for (const auto& c : q850_causes()) out.append(py::make_tuple(c.value, std::string(c.name), std::string(c.slug)));
        return out;
    });
    m.def("q850_to_sip", &q850_to_sip);
    m.def("sip_to_q850", &sip_to_q850);
    m.def("q850_consistent", &q850_consistent);
    m.def("cause_label", [](const std::string& slug) { return label_of(slug); });
    m.def("known_fields", [] {
        (void)all_builtin_formats();  // the built-in formats register their fields when first built
        py::list out;  // names of user formats' fields are the user's bytes: escaped like any log text
        for (const auto& name : known_fields()) out.append(text(name));
        return out;
    });
    m.attr("DETECT_BYTES") = kDetectReadBytes;  // the most detection reads of an input
    m.attr("EVENT_FORMATS") = [] {  // the error-log kinds: their records are events, not responses
        py::list out;
        for (const auto& b : all_builtin_formats())
            if (b.format->events()) out.append(std::string(b.name));
        return out;
    }();
    m.attr("DIMENSIONS") = [] {
        py::list out;
        for (int i = 0; i < kDimCount; ++i) out.append(std::string(dim_name(static_cast<Dim>(i))));
        return out;
    }();

    py::class_<FormatHandle>(m, "Format")
        .def_property_readonly("name", [](const FormatHandle& h) { return text(h.format->name()); })
        .def_property_readonly("description", [](const FormatHandle& h) { return text(h.format->description()); })
        .def_property_readonly("splittable", [](const FormatHandle& h) { return h.format->splittable(); })
        .def("field_names", [](const FormatHandle& h) {
            py::list out;
            for (const auto& name : h.format->field_names()) out.append(text(name));
            return out;
        })
        .def("parse_lines", [](const FormatHandle& h, const std::vector<std::string>& lines) {
            // Reads lines in order with one parser (state carries over, as in a scan).
            auto parser = h.format->make_parser();
            py::list out;
            Record r;
            for (const auto& line : lines) {
                std::string padded = line;
                padded.append(kLinePadding, '\0');
                r.clear();
                const ParseResult pr = parser->parse(std::string_view(padded.data(), line.size()), r);
                if (pr == ParseResult::record) out.append(record_dict(r));
                else out.append(py::str(pr == ParseResult::meta ? "meta" : "unparsed"));
            }
            return out;
        }, py::arg("lines"));
    m.def("builtin_format", [](const std::string& name) {
        const Format* f = find_format(name);
        if (!f) throw py::value_error("unknown format '" + name + "'");
        return builtin_handle(f);
    });
    m.def("envelopes", [] {
        py::list out;
        for (const Envelope* e : envelopes()) out.append(py::make_tuple(std::string(e->name()), std::string(e->description())));
        return out;
    });
    m.def("wrap_format", [](const std::string& envelope, const FormatHandle& inner) {
        const Envelope* e = find_envelope(envelope);
        if (!e) throw py::value_error("unknown wrapper '" + envelope + "'");
        return FormatHandle{wrap_format(*e, inner.format)};
    }, py::arg("envelope"), py::arg("inner"));
    m.def("compile_format", [](const std::string& kind, const std::string& source, const std::string& name) {
        const FormatCompiler* compiler = find_format_compiler(kind);
        if (!compiler) throw py::value_error("unknown format kind '" + kind + "'");
        CompileResult r = compiler->compile(source, name.empty() ? kind : name);
        return py::make_tuple(r.format ? py::object(py::cast(FormatHandle{r.format})) : py::object(py::none()),
                              text(r.error), r.position, text(r.token));
    });

    m.attr("FORMAT_COMPILERS") = [] {  // (kind, what its text is)
        py::list out;
        for (const auto& c : format_compilers()) out.append(py::make_tuple(std::string(c.kind), std::string(c.what)));
        return out;
    }();
    m.def("compile_json", [](const std::vector<std::pair<std::string, std::vector<std::string>>>& fields,
                             const std::string& name) {
        CompileResult r = compile_json(fields, name.empty() ? "json_map" : name);
        return py::make_tuple(r.format ? py::object(py::cast(FormatHandle{r.format})) : py::object(py::none()),
                              text(r.error), r.position, text(r.token));
    });

    py::class_<RulesHandle>(m, "Rules").def_property_readonly("size", [](const RulesHandle& h) { return h.rules->size(); });
    m.def("compile_rules", [](const std::vector<std::tuple<std::string, std::string, std::string, std::vector<std::string>,
                                                      std::string>>& rules) {
        std::vector<Rule> list;
        for (const auto& [name, label, pattern, codes, kind] : rules) list.push_back(Rule{name, label, pattern, codes, kind});
        Error err;
        auto rs = RuleSet::compile(std::move(list), err);
        if (!rs) return py::tuple(py::make_tuple(py::none(), text(err.message)));
        return py::tuple(py::make_tuple(py::cast(RulesHandle{std::shared_ptr<const RuleSet>(std::move(rs))}), std::string()));
    });

    py::class_<PathRulesHandle>(m, "PathRules")
        .def(py::init(&compile_path_rules), py::arg("rules"))
        .def("apply", [](const PathRulesHandle& h, const std::string& path) {
            std::string out, scratch;
            h.templater->apply(path, out, scratch);
            return text(out);
        }, py::arg("path"));
    m.def("template_path", [](const std::string& path) {
        static const PathTemplater builtin;
        std::string out, scratch;
        builtin.apply(path, out, scratch);
        return text(out);
    }, py::arg("path"));

    bind_options(m);
    bind_stats(m);
    bind_live(m);
    bind_remote(m);

    py::class_<DDSketch>(m, "DDSketch")
        .def(py::init([](double accuracy, std::size_t max_buckets) {
            if (!(accuracy > 0 && accuracy < 1)) throw py::value_error("relative_accuracy must be between 0 and 1");
            return DDSketch(accuracy, max_buckets);
        }), py::arg("relative_accuracy") = DDSketch::kDefaultAccuracy,
             py::arg("max_buckets") = DDSketch::kDefaultMaxBuckets)
        .def("add", [](DDSketch& s, double v) { s.add(v); }, py::arg("value"))
        .def("add_many", [](DDSketch& s, const std::vector<double>& vs) { for (double v : vs) s.add(v); },
             py::arg("values"))
        .def("merge", [](DDSketch& s, const DDSketch& other) {
            if (!s.merge(other)) throw py::value_error("cannot merge sketches of different relative accuracy");
        }, py::arg("other"))
        .def("quantile", &DDSketch::quantile, py::arg("q"))
        .def("copy", [](const DDSketch& s) { return DDSketch(s); })
        .def_property_readonly("relative_accuracy", &DDSketch::relative_accuracy)
        .def_property_readonly("max_buckets", &DDSketch::max_buckets)
        .def_property_readonly("count", &DDSketch::count)
        .def_property_readonly("sum", &DDSketch::sum)
        .def_property_readonly("min", &DDSketch::min)
        .def_property_readonly("max", &DDSketch::max)
        .def_property_readonly("collapsed", &DDSketch::collapsed)
        .def(py::pickle([](const DDSketch& s) { return sketch_state(s); },
                        [](const py::tuple& t) { return sketch_from_state(t); }));

    py::class_<ScanJob>(m, "ScanJob")
        .def(py::init<const ScanOptions&>(), py::arg("options"))
        .def("start", &ScanJob::start)
        .def("wait", &ScanJob::wait, py::arg("seconds"))
        .def("cancel", &ScanJob::cancel)
        .def("progress", &ScanJob::progress)
        .def("result", &ScanJob::result, py::arg("dict_groups"));

    py::class_<FilterHandle>(m, "Filter");
    m.def("compile_filter", &compile_filter, py::arg("since_ms"), py::arg("since_wall"), py::arg("until_ms"),
          py::arg("until_wall"), py::arg("codes"), py::arg("methods"), py::arg("paths"), py::arg("hosts"));
    m.def("glob_to_regex", [](const std::string& glob) { return glob_to_regex(glob); }, py::arg("glob"));
    m.attr("NO_TIME") = kNoTime;
    m.attr("COLUMNS") = [] {
        py::list out;
        for (Column c : all_columns()) out.append(std::string(column_name(c)));
        return out;
    }();

    py::class_<RecordsJob>(m, "RecordsJob")
        .def(py::init<const ScanOptions&, const std::vector<std::string>&, std::size_t>(), py::arg("options"),
             py::arg("columns"), py::arg("batch_size"))
        .def_property_readonly("columns", &RecordsJob::columns)
        .def("stream", &RecordsJob::stream)
        .def("last", &RecordsJob::last, py::arg("dict_groups"));

    py::class_<Stream>(m, "Stream")
        .def(py::init<const ScanOptions&, std::string>(), py::arg("options"), py::arg("label"))
        .def("feed", &Stream::feed, py::arg("data"))
        .def("finish", &Stream::finish)
        .def("result", &Stream::result, py::arg("dict_groups"))
        .def("take", &Stream::take, py::arg("dict_groups"), py::arg("idle_ms") = 0)
        .def("open_calls", &Stream::open_calls)
        .def("committed", &Stream::committed);

    py::class_<DecodedInput>(m, "DecodedInput")
        .def(py::init<const std::string&>(), py::arg("path"))
        .def("read", &DecodedInput::read, py::arg("size"))
        .def("close", &DecodedInput::close);
}
