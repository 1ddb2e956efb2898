// logcodes._core.ScanStats and FileReport: what a scan read, built with keywords (and pickled) from the
// lists in stats.hpp, read through read-only properties. A new counter needs no line here.
#include <pybind11/stl.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "logcodes/file_report.hpp"
#include "logcodes/stats.hpp"

namespace logcodes::bind {

namespace {

// A sample's text and reason as Python gives them: str (kept as UTF-8) or the raw bytes (from a pickle).
std::string raw_text(py::handle v) { return v.cast<std::string>(); }

py::list samples_list(const std::vector<Sample>& samples) {
    py::list out;
    for (const auto& s : samples) out.append(py::make_tuple(s.file_index, s.line, s.offset, text(s.text), text(s.why)));
    return out;
}

// (file_index, line, offset, text, why) tuples; text and why are bytes so a pickle keeps the log's bytes.
py::list samples_state(const std::vector<Sample>& samples) {
    py::list out;
    for (const auto& s : samples)
        out.append(py::make_tuple(s.file_index, s.line, s.offset, py::bytes(s.text), py::bytes(s.why)));
    return out;
}

std::vector<Sample> samples_from(py::handle items) {
    std::vector<Sample> out;
    for (py::handle item : items) {
        const auto t = py::reinterpret_borrow<py::tuple>(item);
        if (t.size() != 5) throw py::value_error("a sample is (file_index, line, offset, text, why)");
        out.push_back(Sample{t[0].cast<std::uint32_t>(), t[1].cast<std::uint64_t>(), t[2].cast<std::uint64_t>(),
                             raw_text(t[3]), raw_text(t[4])});
    }
    return out;
}

ScanStats stats_from(const py::dict& kw) {
    ScanStats s;
    std::size_t used = 0;
#define LOGCODES_COUNTER_ARG(name, what)                        \
    if (kw.contains(#name)) {                                   \
        s.name = kw[#name].cast<std::uint64_t>();               \
        ++used;                                                 \
    }
    LOGCODES_SCAN_COUNTERS(LOGCODES_COUNTER_ARG)
#undef LOGCODES_COUNTER_ARG
#define LOGCODES_SAMPLES_ARG(name, what)                        \
    if (kw.contains(#name)) {                                   \
        s.name = samples_from(kw[#name]);                       \
        ++used;                                                 \
    }
    LOGCODES_SCAN_SAMPLES(LOGCODES_SAMPLES_ARG)
#undef LOGCODES_SAMPLES_ARG
    if (used != kw.size())
        for (const auto& [key, value] : kw) {
            const auto name = key.cast<std::string>();
            if (!py::hasattr(py::module_::import("logcodes._core").attr("ScanStats"), name.c_str()))
                throw py::type_error("ScanStats() got an unexpected keyword argument '" + name + "'");
        }
    return s;
}

py::dict stats_state(const ScanStats& s) {
    py::dict d;
#define LOGCODES_COUNTER_STATE(name, what) d[#name] = s.name;
    LOGCODES_SCAN_COUNTERS(LOGCODES_COUNTER_STATE)
#undef LOGCODES_COUNTER_STATE
#define LOGCODES_SAMPLES_STATE(name, what) d[#name] = samples_state(s.name);
    LOGCODES_SCAN_SAMPLES(LOGCODES_SAMPLES_STATE)
#undef LOGCODES_SAMPLES_STATE
    return d;
}

bool same_samples(const std::vector<Sample>& a, const std::vector<Sample>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tie(a[i].file_index, a[i].line, a[i].offset, a[i].text, a[i].why) !=
            std::tie(b[i].file_index, b[i].line, b[i].offset, b[i].text, b[i].why))
            return false;
    return true;
}

bool same_stats(const ScanStats& a, const ScanStats& b) {
    bool same = true;
#define LOGCODES_COUNTER_EQ(name, what) same = same && a.name == b.name;
    LOGCODES_SCAN_COUNTERS(LOGCODES_COUNTER_EQ)
#undef LOGCODES_COUNTER_EQ
#define LOGCODES_SAMPLES_EQ(name, what) same = same && same_samples(a.name, b.name);
    LOGCODES_SCAN_SAMPLES(LOGCODES_SAMPLES_EQ)
#undef LOGCODES_SAMPLES_EQ
    return same;
}

std::string fs_bytes(py::handle v) {
    if (py::isinstance<py::bytes>(v)) return v.cast<std::string>();
    PyObject* b = PyUnicode_EncodeFSDefault(v.ptr());
    if (!b) throw py::error_already_set();
    return py::reinterpret_steal<py::bytes>(b).cast<std::string>();
}

// error: None, a message (an input problem of kind "io"), or (kind, path, offset, message).
Error error_from(py::handle v) {
    Error e;
    if (v.is_none()) return e;
    if (py::isinstance<py::str>(v)) {
        e.kind = ErrorKind::io;
        e.message = v.cast<std::string>();
        return e;
    }
    const auto t = v.cast<py::tuple>();
    if (t.size() != 4) throw py::value_error("error is None, a message, or (kind, path, offset, message)");
    const auto kind = t[0].cast<std::string>();
    if (!parse_error_kind(kind, e.kind) || e.kind == ErrorKind::none) throw py::value_error("unknown error kind '" + kind + "'");
    e.path = t[1].is_none() ? std::string() : fs_bytes(t[1]);
    e.offset = t[2].cast<std::uint64_t>();
    e.message = t[3].cast<std::string>();
    return e;
}

// A format change as (line, offset, format, wrapper or None, detection).
py::tuple change_tuple(const FormatChange& c) {
    return py::make_tuple(c.line, c.offset, text(c.format),
                          c.wrapper.empty() ? py::object(py::none()) : py::object(text(c.wrapper)), text(c.detection));
}

py::list changes_list(const std::vector<FormatChange>& changes) {
    py::list out;
    for (const FormatChange& c : changes) out.append(change_tuple(c));
    return out;
}

std::vector<FormatChange> changes_from(const py::handle& value) {
    std::vector<FormatChange> out;
    for (const auto& item : value) {
        const auto t = item.cast<py::tuple>();
        if (t.size() != 5) throw py::value_error("a format change is (line, offset, format, wrapper, detection)");
        FormatChange c;
        c.line = t[0].cast<std::uint64_t>();
        c.offset = t[1].cast<std::uint64_t>();
        c.format = t[2].cast<std::string>();
        c.wrapper = t[3].is_none() ? std::string() : t[3].cast<std::string>();
        c.detection = t[4].cast<std::string>();
        out.push_back(std::move(c));
    }
    return out;
}

FileReport report_from(const py::dict& kw) {
    FileReport f;
    for (const auto& [key, value] : kw) {
        const auto name = key.cast<std::string>();
        if (name == "path") f.path = fs_bytes(value);
        else if (name == "format") f.format = value.is_none() ? std::string() : value.cast<std::string>();
        else if (name == "wrapper") f.wrapper = value.is_none() ? std::string() : value.cast<std::string>();
        else if (name == "detection") f.detection = value.cast<std::string>();
        else if (name == "confidence") f.confidence = value.is_none() ? -1.0 : value.cast<double>();
        else if (name == "compression") {
            const auto c = value.cast<std::string>();
            f.compression = c == "gzip" ? Compression::gzip : c == "zstd" ? Compression::zstd : Compression::none;
            if (c != "gzip" && c != "zstd" && c != "none") throw py::value_error("compression is none, gzip or zstd");
        } else if (name == "size") f.size = value.cast<std::uint64_t>();
        else if (name == "lines") f.lines = value.cast<std::uint64_t>();
        else if (name == "records") f.records = value.cast<std::uint64_t>();
        else if (name == "packets") f.packets = value.cast<std::uint64_t>();
        else if (name == "skipped_packets") f.skipped_packets = value.cast<std::uint64_t>();
        else if (name == "evictions") f.evictions = value.cast<std::uint64_t>();
        else if (name == "error") f.error = error_from(value);
        else if (name == "changes") f.changes = changes_from(value);
        else throw py::type_error("FileReport() got an unexpected keyword argument '" + name + "'");
    }
    return f;
}

py::dict report_dict(const FileReport& f) {
    py::dict d;
    d["path"] = path_text(f.path);
    d["format"] = f.format.empty() ? py::object(py::none()) : py::object(text(f.format));
    d["wrapper"] = f.wrapper.empty() ? py::object(py::none()) : py::object(text(f.wrapper));
    d["detection"] = text(f.detection);
    d["confidence"] = f.confidence < 0 ? py::object(py::none()) : py::object(py::float_(f.confidence));
    d["compression"] = std::string(compression_name(f.compression));
    d["size"] = f.size;
    d["lines"] = f.lines;
    d["records"] = f.records;
    d["error"] = f.error ? py::object(text(f.error.message)) : py::object(py::none());
    d["packets"] = f.packets;
    d["skipped_packets"] = f.skipped_packets;
    d["evictions"] = f.evictions;
    d["changes"] = changes_list(f.changes);
    return d;
}

bool same_report(const FileReport& a, const FileReport& b) {
    return std::tie(a.path, a.format, a.wrapper, a.detection, a.confidence, a.compression, a.size, a.lines, a.records, a.packets,
                    a.skipped_packets, a.evictions, a.error.kind, a.error.path, a.error.offset, a.error.message, a.changes) ==
           std::tie(b.path, b.format, b.wrapper, b.detection, b.confidence, b.compression, b.size, b.lines, b.records, b.packets,
                    b.skipped_packets, b.evictions, b.error.kind, b.error.path, b.error.offset, b.error.message, b.changes);
}

}  // namespace

void bind_stats(py::module_& m) {
    py::class_<ScanStats> stats(m, "ScanStats",
                                "What a scan read besides its grouped counts: counters and a few samples of each "
                                "kind of what could not be counted.");
    stats.def(py::init([](const py::kwargs& kw) {
        try {
            return stats_from(kw);
        } catch (const py::cast_error&) {
            throw py::type_error("ScanStats() takes counters as whole numbers of at least 0 and samples as "
                                 "(file_index, line, offset, text, why) tuples");
        }
    }));
    py::list counters, sample_lists;
#define LOGCODES_BIND_COUNTER(name, what)                                                           \
    stats.def_property_readonly(#name, [](const ScanStats& s) { return s.name; }, what);           \
    counters.append(#name);
    LOGCODES_SCAN_COUNTERS(LOGCODES_BIND_COUNTER)
#undef LOGCODES_BIND_COUNTER
#define LOGCODES_BIND_SAMPLES(name, what)                                                                    \
    stats.def_property_readonly(#name, [](const ScanStats& s) { return samples_list(s.name); },              \
                                what " (file_index, line, offset, text, why)");                              \
    sample_lists.append(#name);
    LOGCODES_SCAN_SAMPLES(LOGCODES_BIND_SAMPLES)
#undef LOGCODES_BIND_SAMPLES
    stats.attr("COUNTERS") = py::tuple(counters);
    stats.attr("SAMPLES") = py::tuple(sample_lists);
    stats.def("merged", [](const ScanStats& a, const ScanStats& b, const std::optional<std::vector<std::uint32_t>>& file_map,
                           std::size_t max_samples) {
        ScanStats out = a;
        out.merge(b, max_samples, file_map ? &*file_map : nullptr);
        return out;
    }, py::arg("other"), py::arg("file_map") = py::none(), py::arg("max_samples") = kDefaultMaxSamples,
       "Both added up; other's sample file indexes mapped through file_map; the first samples of each kind kept.")
        .def("replaced", [](const ScanStats& s, const py::kwargs& kw) {
            py::dict state = stats_state(s);
            for (const auto& [key, value] : kw) {
                if (!state.contains(key)) throw py::type_error("ScanStats has no '" + key.cast<std::string>() + "'");
                state[key] = value;
            }
            return stats_from(state);
        }, "A copy with some counters (or sample lists) replaced.")
        .def("counters", [](const ScanStats& s) {
            py::dict d;
#define LOGCODES_COUNTER_ITEM(name, what) d[#name] = s.name;
            LOGCODES_SCAN_COUNTERS(LOGCODES_COUNTER_ITEM)
#undef LOGCODES_COUNTER_ITEM
            return d;
        }, "{counter name: value}")
        .def("__eq__", [](const ScanStats& a, const py::object& b) -> py::object {
            if (!py::isinstance<ScanStats>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::bool_(same_stats(a, b.cast<const ScanStats&>()));
        })
        .def("__repr__", [](const ScanStats& s) {
            std::string out = "ScanStats(";
            const char* sep = "";
#define LOGCODES_COUNTER_REPR(name, what)                                    \
    if (s.name) {                                                            \
        out += sep + std::string(#name) + "=" + std::to_string(s.name);     \
        sep = ", ";                                                          \
    }
            LOGCODES_SCAN_COUNTERS(LOGCODES_COUNTER_REPR)
#undef LOGCODES_COUNTER_REPR
            return out + ")";
        })
        .def(py::pickle([](const ScanStats& s) { return stats_state(s); },
                        [](const py::dict& d) { return stats_from(d); }));
    stats.attr("__hash__") = py::none();

    py::class_<FileReport>(m, "FileReport", "One scanned input: the format used and why, and what was read.")
        .def(py::init([](const py::kwargs& kw) {
            try {
                return report_from(kw);
            } catch (const py::cast_error&) {
                throw py::type_error("FileReport() takes text for path, format, wrapper, detection and compression "
                                     "and whole numbers of at least 0 for the counts");
            }
        }))
        .def_property_readonly("path", [](const FileReport& f) { return path_text(f.path); })
        .def_property_readonly("format", [](const FileReport& f) {
            return f.format.empty() ? py::object(py::none()) : py::object(text(f.format));
        }, "the format of the lines (None when none could be detected)")
        .def_property_readonly("wrapper", [](const FileReport& f) {
            return f.wrapper.empty() ? py::object(py::none()) : py::object(text(f.wrapper));
        }, "the envelope the lines came in: 'syslog', 'cri', 'docker', 'journald', 'json' (None: none)")
        .def_property_readonly("detection", [](const FileReport& f) { return text(f.detection); },
                               "why: the detection's explanation, or 'given'")
        .def_property_readonly("confidence", [](const FileReport& f) {
            return f.confidence < 0 ? py::object(py::none()) : py::object(py::float_(f.confidence));
        }, "how sure detection was (0 to 1, docs/detection.md); None when the format was given")
        .def_property_readonly("changes", [](const FileReport& f) { return changes_list(f.changes); },
                               "format changes part-way: (line, offset, format, wrapper, detection) each, in input order "
                               "(line 0: not known, in a byte range that starts past 0)")
        .def_property_readonly("compression", [](const FileReport& f) { return std::string(compression_name(f.compression)); })
        .def_property_readonly("size", [](const FileReport& f) { return f.size; }, "bytes on disk (0 for pipes)")
        .def_property_readonly("lines", [](const FileReport& f) { return f.lines; })
        .def_property_readonly("records", [](const FileReport& f) { return f.records; })
        .def_property_readonly("packets", [](const FileReport& f) { return f.packets; }, "captures: packets read")
        .def_property_readonly("skipped_packets", [](const FileReport& f) { return f.skipped_packets; },
                               "captures: packets that carried no SIP")
        .def_property_readonly("evictions", [](const FileReport& f) { return f.evictions; },
                               "captures: IP fragment sets and TCP flows dropped to bound memory")
        .def_property_readonly("error", [](const FileReport& f) {
            return f.error ? py::object(text(f.error.message)) : py::object(py::none());
        }, "what stopped this input part-way (None: read to its end)")
        .def_property_readonly("problem", [](const FileReport& f) { return error_tuple(f.error); },
                               "(kind, path, offset, message) of the error, or None")
        .def("joined", [](const FileReport& a, const FileReport& b) {
            FileReport out = a;
            out.add_piece(b);
            return out;
        }, py::arg("other"), "This piece of a file and another added up (see FileReport::add_piece).")
        .def("as_dict", &report_dict)
        .def("__eq__", [](const FileReport& a, const py::object& b) -> py::object {
            if (!py::isinstance<FileReport>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::bool_(same_report(a, b.cast<const FileReport&>()));
        })
        .def("__repr__", [](const FileReport& f) {
            const py::dict d = report_dict(f);
            std::string out = "FileInfo(";
            const char* sep = "";
            for (const auto& [k, v] : d) {
                out += sep + k.cast<std::string>() + "=" + std::string(py::repr(v));
                sep = ", ";
            }
            return out + ")";
        })
        .def(py::pickle(
            [](const FileReport& f) {
                py::dict d = report_dict(f);
                d["path"] = py::bytes(f.path);
                d["format"] = f.format.empty() ? py::object(py::none()) : py::object(py::bytes(f.format));
                d["detection"] = py::bytes(f.detection);
                d["wrapper"] = f.wrapper.empty() ? py::object(py::none()) : py::object(py::bytes(f.wrapper));
                d["error"] = f.error ? py::object(py::make_tuple(std::string(error_kind_name(f.error.kind)),
                                                                 py::bytes(f.error.path), f.error.offset,
                                                                 py::bytes(f.error.message)))
                                     : py::object(py::none());
                return d;
            },
            [](const py::dict& d) { return report_from(d); }));
    m.attr("FileReport").attr("__hash__") = py::none();
}

}  // namespace logcodes::bind
