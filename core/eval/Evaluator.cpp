// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/Evaluator.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/AudioFile.h"
#include "dataset/PairMaker.h"
#include "dsp/Interpolate.h"
#include "util/Error.h"
#include "util/ThreadPool.h"

namespace srlab {

Method baselineMethod(const std::string& name, int scale) {
    const Baseline b = parseBaseline(name);
    if (b == Baseline::None) throw Error("baseline", "'none' cannot be evaluated");
    return {name, [b, scale](const std::vector<float>& low, size_t n, const CancelToken&) { return upsample(low, scale, n, b); }};
}

EvalTable evaluateFiles(const std::vector<std::string>& files, int rate, int scale, DecimFilter filter,
                        const std::vector<Method>& methods, int threads, ProgressSink& progress,
                        const CancelToken& cancel) {
    EvalTable t;
    t.rate = rate;
    t.scale = scale;
    t.filter = toString(filter);
    std::vector<std::vector<EvalRow>> perFile(files.size());
    std::vector<std::string> why(files.size());
    std::atomic<size_t> done{0};
    std::mutex mu;
    // One file per pool thread, each single-threaded inside (files are the coarser grain).
    parallelFor(files.size(), [&](size_t i) {
        if (cancel.cancelled()) return;
        try {
            int inRate = 0;
            std::vector<float> mono = readMono(files[i], &inRate);
            std::vector<float> hi = toTargetRate(std::move(mono), inRate, rate, scale);
            if (hi.size() < std::max<size_t>(2048, minDecimateLength(filter)))
                throw Error(files[i], "too short to evaluate (under 2048 samples at the target rate)");
            if (std::all_of(hi.begin(), hi.end(), [](float v) { return v == 0.0f; }))
                throw Error(files[i], "digital silence: SNR and LSD against a silent reference are undefined");
            // Files already run in parallel: one thread each inside.
            const auto low = decimate(hi, scale, filter, 1);
            const MetricReference reference(hi, rate, scale, 1);
            for (const Method& m : methods) {
                const auto est = m.run(low, hi.size(), cancel);
                perFile[i].push_back({files[i], m.name, reference.measure(est)});
            }
        } catch (const Error& e) {
            why[i] = e.what();
        }
        const size_t d = ++done;
        std::lock_guard<std::mutex> lock(mu);
        progress.progress(double(d), double(files.size()), std::filesystem::path(files[i]).filename().string());
    }, threads);
    cancel.throwIfCancelled();
    for (size_t i = 0; i < files.size(); ++i) {
        if (!why[i].empty()) t.skipped.emplace_back(files[i], why[i]);
        for (auto& r : perFile[i]) t.rows.push_back(std::move(r));
    }
    return t;
}

std::vector<EvalRow> EvalTable::means() const {
    std::vector<EvalRow> out;
    std::map<std::string, size_t> index, count;
    for (const auto& r : rows) {
        if (!index.count(r.method)) {
            index[r.method] = out.size();
            out.push_back({"mean", r.method, MetricSet{}});
        }
        EvalRow& m = out[index[r.method]];
        for (const auto& info : metricCatalogue()) m.m.*info.field += r.m.*info.field;
        ++count[r.method];
    }
    for (auto& m : out)
        for (const auto& info : metricCatalogue()) m.m.*info.field /= double(count[m.method]);
    return out;
}

std::string EvalTable::toCsv() const {
    std::ostringstream o;
    o << "file,method";
    for (const auto& info : metricCatalogue()) o << ',' << info.key;
    o << '\n';
    auto row = [&](const EvalRow& r) {
        o << '"' << r.file << "\"," << r.method;
        for (const auto& info : metricCatalogue()) o << ',' << r.m.*info.field;
        o << '\n';
    };
    for (const auto& r : rows) row(r);
    for (const auto& r : means()) row(r);
    return o.str();
}

std::string EvalTable::toJson() const {
    nlohmann::ordered_json j;
    j["rate"] = rate;
    j["scale"] = scale;
    j["filter"] = filter;
    for (const auto& info : metricCatalogue()) j["definitions"][info.key] = info.definition;
    auto rowJson = [](const EvalRow& r) {
        nlohmann::ordered_json e{{"file", r.file}, {"method", r.method}};
        for (const auto& info : metricCatalogue()) e[info.key] = r.m.*info.field;
        return e;
    };
    j["rows"] = nlohmann::json::array();
    for (const auto& r : rows) j["rows"].push_back(rowJson(r));
    j["means"] = nlohmann::json::array();
    for (const auto& r : means()) j["means"].push_back(rowJson(r));
    for (const auto& [f, why] : skipped) j["skipped"].push_back({{"file", f}, {"reason", why}});
    return j.dump(1);
}

std::string EvalTable::toText() const {
    static const char* shown[] = {"snr", "snr_patch", "lsd", "lsd_hf", "lsd_lf", "lsd_kuleshov", "psnr_mel"};
    std::ostringstream o;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-36s %-8s", "file", "method");
    o << buf;
    for (const char* k : shown) {
        std::snprintf(buf, sizeof buf, " %12s", k);
        o << buf;
    }
    o << '\n';
    auto line = [&](const EvalRow& r) {
        std::string f = std::filesystem::path(r.file).filename().string();
        if (f.size() > 36) f = "..." + f.substr(f.size() - 33);
        std::snprintf(buf, sizeof buf, "%-36s %-8s", f.c_str(), r.method.c_str());
        o << buf;
        for (const char* k : shown)
            for (const auto& info : metricCatalogue())
                if (std::string(info.key) == k) {
                    std::snprintf(buf, sizeof buf, " %12.3f", r.m.*info.field);
                    o << buf;
                }
        o << '\n';
    };
    for (const auto& r : rows) line(r);
    o << '\n';
    for (const auto& r : means()) line(r);
    o << "\nrate " << rate << " Hz, scale " << scale << ", decimation filter " << filter << "\n";
    for (const auto& info : metricCatalogue()) o << "  " << info.key << ": " << info.definition << '\n';
    for (const auto& [f, why] : skipped) o << "skipped " << why << '\n';
    return o.str();
}

}  // namespace srlab
