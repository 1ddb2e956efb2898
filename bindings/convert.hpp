// Conversions shared by the binding's files: log text and paths to Python, and the handles by which
// compiled things (formats, rules, filters, path rules) cross into Python. No logic lives here.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/error.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/path_template.hpp"
#include "logcodes/record_filter.hpp"
#include "logcodes/rules.hpp"
#include "logcodes/text_escape.hpp"

namespace logcodes::bind {

namespace py = pybind11;

// Log text is bytes: it leaves as the core's escaped text (text_escape.hpp), always valid UTF-8.
inline py::str text(std::string_view s) {
    std::string scratch;
    const std::string_view t = escaped_text(s, scratch);
    PyObject* o = PyUnicode_DecodeUTF8(t.data(), static_cast<Py_ssize_t>(t.size()), "strict");
    if (!o) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(o);
}

// Input paths arrive as os.fsencode() bytes and go back as os.fsdecode() would make them.
inline py::str path_text(std::string_view s) {
    PyObject* o = PyUnicode_DecodeFSDefaultAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
    if (!o) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(o);
}

// (kind, path, offset, message) or None.
inline py::object error_tuple(const Error& e) {
    if (!e) return py::none();
    return py::make_tuple(std::string(error_kind_name(e.kind)), path_text(e.path), e.offset, text(e.message));
}

// A format handed to Python: owned (compiled) or a built-in one (never freed).
struct FormatHandle {
    FormatPtr format;
};

struct RulesHandle {
    std::shared_ptr<const RuleSet> rules;
};

struct FilterHandle {
    std::shared_ptr<const RecordFilter> filter;
};

// User path rules compiled once, shared by every thread of a scan.
struct PathRulesHandle {
    std::shared_ptr<const PathTemplater> templater;
};

// The names of a grouping's dimensions (a format's named field by its name).
std::vector<std::string> dim_names(const GroupSpec& g);

void bind_options(py::module_& m);   // options.cpp: GroupSpec, ScanOptions
void bind_stats(py::module_& m);     // stats.cpp: ScanStats, FileReport
void bind_live(py::module_& m);      // live.cpp: HepReceiver, LiveCapture
void bind_remote(py::module_& m);    // remote.cpp: URLs read through Python callables

}  // namespace logcodes::bind
